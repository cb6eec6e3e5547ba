package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Answers one non-watch API request: discovery, OpenAPI and version documents itself, object
 * requests through the CRUD {@link ApiStore}, adding what the mock lacks for real clients —
 * field/label selectors on any field, Table responses, RFC 7386 merge patches, Status errors.
 */
final class ApiHandler {
  static final String TABLE_MARKER = "as=Table";
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  /** An HTTP answer. */
  record Reply(int code, String contentType, byte[] body) {
    static Reply json(int code, JsonNode body) {
      try {
        return new Reply(code, "application/json", JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    static Reply status(int code, String reason, String message) {
      return json(code, ApiStatus.of(code, reason, message));
    }
  }

  private final ApiStore store;
  private final ApiResourceRegistry registry;
  private final DiscoveryDocuments discovery;
  private final TableConverter tables;

  ApiHandler(ApiStore store, ApiResourceRegistry registry, DiscoveryDocuments discovery, TableConverter tables) {
    this.store = store;
    this.registry = registry;
    this.discovery = discovery;
    this.tables = tables;
  }

  Reply handle(String method, String pathAndQuery, String accept, String contentType, byte[] body) {
    String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (method.equals("GET")) {
      Reply fixed = fixedDocument(path, accept);
      if (fixed != null) {
        return fixed;
      }
    }
    ResourcePath rp = ResourcePath.parse(pathAndQuery);
    if (rp == null) {
      return Reply.status(404, "NotFound", "the server could not find the requested resource (" + path + ")");
    }
    if (rp.plural() == null) {
      if (!method.equals("GET")) {
        return Reply.status(405, "MethodNotAllowed", "only GET is allowed on " + path);
      }
      ObjectNode list = discovery.resourceList(rp.group(), rp.version());
      return list == null ? Reply.status(404, "NotFound", "the server could not find the requested resource")
          : Reply.json(200, list);
    }
    Optional<ApiResource> resource = registry.find(rp.group(), rp.version(), rp.plural());
    return switch (method) {
      case "GET" -> get(rp, resource, accept);
      case "POST", "PUT" -> {
        byte[] prepared = withDefaults(resource, body);
        Reply invalid = checkNames(resource, rp, prepared);
        if (invalid == null) {
          invalid = validate(resource, rp, prepared);
        }
        yield invalid != null ? invalid
            : write(method.equals("POST") ? HttpMethod.POST : HttpMethod.PUT, rp, contentType, prepared);
      }
      case "PATCH" -> patch(rp, resource, contentType, body);
      case "DELETE" -> delete(rp);
      default -> Reply.status(405, "MethodNotAllowed", method + " is not supported");
    };
  }

  private Reply fixedDocument(String path, String accept) {
    return switch (path) {
      case "/" -> Reply.json(200, rootPaths());
      case "/version" -> Reply.json(200, DiscoveryDocuments.version());
      case "/healthz", "/livez", "/readyz" -> new Reply(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
      case "/api" -> Reply.json(200, discovery.coreVersions());
      case "/apis" -> Reply.json(200, discovery.groupList());
      case "/openapi/v2" -> OpenApiDocuments.v2(accept);
      case "/openapi/v3" -> OpenApiDocuments.v3Root(registry);
      default -> {
        if (path.startsWith("/openapi/v3/apis/")) {
          String[] gv = path.substring("/openapi/v3/apis/".length()).split("/");
          ObjectNode doc = gv.length == 2 ? OpenApiDocuments.v3GroupVersion(registry, gv[0], gv[1]) : null;
          yield doc == null ? Reply.status(404, "NotFound", "the server could not find the requested resource")
              : Reply.json(200, doc);
        }
        if (path.startsWith("/openapi/")) {
          yield Reply.status(404, "NotFound", "the server could not find the requested resource");
        }
        String[] seg = path.split("/");
        if (seg.length == 3 && seg[1].equals("apis")) {
          ObjectNode group = discovery.group(seg[2]);
          yield group == null ? Reply.status(404, "NotFound", "the server could not find the requested resource")
              : Reply.json(200, group);
        }
        yield null;
      }
    };
  }

  private ObjectNode rootPaths() {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode paths = n.putArray("paths");
    paths.add("/api").add("/api/v1").add("/apis").add("/healthz").add("/openapi/v2").add("/version");
    for (String g : registry.groups()) {
      paths.add("/apis/" + g);
      registry.versions(g).forEach(v -> paths.add("/apis/" + g + "/" + v));
    }
    return n;
  }

  private Reply get(ResourcePath rp, Optional<ApiResource> resource, String accept) {
    MockResponse r = store.dispatch(request(HttpMethod.GET, rp.storePath(), null, null));
    if (r.code() == 404 || (rp.name() != null && r.code() == 200 && bodyOf(r).isEmpty())) {
      return Reply.json(404, ApiStatus.notFound(rp.plural(), rp.group(), rp.name()));
    }
    if (r.code() >= 300) {
      return passThrough(r);
    }
    JsonNode node = parse(bodyOf(r));
    if (rp.name() == null && node.has("items")) {
      Predicate<JsonNode> keep = Selectors.field(rp.query().get("fieldSelector"))
          .and(Selectors.label(rp.query().get("labelSelector")));
      ArrayNode items = JSON.createArrayNode();
      node.get("items").forEach(i -> {
        if (keep.test(i)) {
          items.add(i);
        }
      });
      ObjectNode list = (ObjectNode) node;
      list.set("items", items);
      resource.ifPresent(res -> {
        list.put("apiVersion", res.groupVersion());
        list.put("kind", res.kind() + "List");
      });
    }
    if (accept != null && accept.contains(TABLE_MARKER) && resource.isPresent()) {
      return Reply.json(200, tables.toTable(resource.get(), node, true));
    }
    return Reply.json(200, node);
  }

  private Reply write(HttpMethod method, ResourcePath rp, String contentType, byte[] body) {
    if (rp.query().containsKey("dryRun")) {
      return new Reply(method == HttpMethod.POST ? 201 : 200, "application/json", body);
    }
    MockResponse r = store.dispatch(request(method, rp.storePath(), contentType, body));
    if (method == HttpMethod.POST && r.code() == 201) {
      // answer with the object as stored (its uid and timestamps are settled on the way in)
      String name = parse(bodyOf(r)).path("metadata").path("name").asText("");
      ResourcePath created = new ResourcePath(rp.group(), rp.version(), rp.namespace(), rp.plural(), name, null, rp.query());
      MockResponse stored = store.dispatch(request(HttpMethod.GET, created.storePath(), null, null));
      if (stored.code() == 200 && !bodyOf(stored).isEmpty()) {
        return new Reply(201, "application/json", bodyOf(stored).getBytes(StandardCharsets.UTF_8));
      }
    }
    return passThrough(r);
  }

  /** The body with the CRD's schema defaults filled in, as the API server stores it. */
  private static byte[] withDefaults(Optional<ApiResource> resource, byte[] body) {
    if (resource.isEmpty() || resource.get().schema() == null || body == null || body.length == 0) {
      return body;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return JSON.writeValueAsBytes(SchemaDefaults.apply(node, resource.get().schema()));
    } catch (IOException e) {
      return body; // not JSON: the store answers with its own error
    }
  }

  /** 422 when the object's name or namespace is not a DNS name, as a real API server answers; else null. */
  private static Reply checkNames(Optional<ApiResource> resource, ResourcePath rp, byte[] body) {
    JsonNode object = null;
    try {
      object = body == null || body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null; // not JSON: the store answers with its own error
    }
    String kind = resource.map(ApiResource::kind)
        .orElse(object == null ? rp.plural() : object.path("kind").asText(rp.plural()));
    ObjectNode status = ObjectNames.check(rp, object, kind, resource.map(ApiResource::group).orElse(rp.group()));
    return status == null ? null : Reply.json(422, status);
  }

  /** 422 when the object breaks its CRD's structural schema, else null. */
  private static Reply validate(Optional<ApiResource> resource, ResourcePath rp, byte[] body) {
    if (resource.isEmpty() || resource.get().schema() == null || body == null || body.length == 0) {
      return null;
    }
    try {
      return validate(resource.get(), rp, JSON.readTree(body));
    } catch (IOException e) {
      return null; // not JSON: the store answers with its own error
    }
  }

  private static Reply validate(ApiResource resource, ResourcePath rp, JsonNode object) {
    if (resource.schema() == null) {
      return null;
    }
    java.util.List<SchemaValidator.Problem> problems = SchemaValidator.validate(object, resource.schema());
    if (problems.isEmpty()) {
      return null;
    }
    String name = rp.name() != null ? rp.name() : object.path("metadata").path("name").asText("");
    return Reply.json(422, ApiStatus.invalid(resource, name, problems));
  }

  private Reply patch(ResourcePath rp, Optional<ApiResource> resource, String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("application/apply-patch")) {
      return Reply.status(415, "UnsupportedMediaType",
          "server-side apply is not supported by the procservice local API: use kubectl apply without --server-side");
    }
    boolean jsonPatch = type.startsWith("application/json-patch+json");
    if (!jsonPatch && !type.startsWith("application/merge-patch+json")
        && !type.startsWith("application/strategic-merge-patch+json")) {
      return Reply.status(415, "UnsupportedMediaType", "unsupported patch type " + contentType);
    }
    ResourcePath main = new ResourcePath(rp.group(), rp.version(), rp.namespace(), rp.plural(), rp.name(), null, rp.query());
    // A merge patch is computed here from the current object and stored as a JSON patch guarded
    // by a test of its resourceVersion: if another write slipped in between, compute it again,
    // so a merge patch is as atomic as on the API server.
    for (int attempt = 0; ; attempt++) {
      MockResponse current = store.dispatch(request(HttpMethod.GET, main.storePath(), null, null));
      if (current.code() != 200 || bodyOf(current).isEmpty()) {
        return Reply.json(404, ApiStatus.notFound(rp.plural(), rp.group(), rp.name()));
      }
      JsonNode currentNode = parse(bodyOf(current));
      byte[] effective = body;
      if (jsonPatch && resource.isPresent() && resource.get().schema() != null) {
        JsonNode result;
        try {
          result = io.fabric8.zjsonpatch.JsonPatch.apply(JSON.readTree(body), currentNode);
        } catch (IOException | RuntimeException e) {
          return Reply.status(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
        }
        Reply invalid = validate(resource.get(), rp, result);
        if (invalid != null) {
          return invalid;
        }
      }
      if (!jsonPatch) {
        JsonNode patchNode;
        try {
          patchNode = JSON.readTree(body);
        } catch (IOException e) {
          return Reply.status(400, "BadRequest", "the patch is not valid JSON: " + e.getMessage());
        }
        JsonNode merged = MergePatch.apply(currentNode, patchNode);
        if (resource.isPresent() && resource.get().schema() != null) {
          SchemaDefaults.apply(merged, resource.get().schema());
          Reply invalid = validate(resource.get(), rp, merged);
          if (invalid != null) {
            return invalid;
          }
        }
        if (rp.query().containsKey("dryRun")) {
          return Reply.json(200, merged);
        }
        ArrayNode ops = JSON.createArrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
            .put("value", currentNode.path("metadata").path("resourceVersion").asText());
        ops.addAll(MergePatch.asJsonPatch(currentNode, merged));
        effective = ops.toString().getBytes(StandardCharsets.UTF_8);
      }
      MockResponse r;
      try {
        r = store.dispatch(request(HttpMethod.PATCH, rp.storePath(), "application/json-patch+json", effective));
      } catch (RuntimeException e) {
        if (!jsonPatch && attempt < 10 && changedSince(main, currentNode)) {
          continue; // the object changed under us (the resourceVersion test failed): merge again
        }
        // zjsonpatch rejects e.g. a replace of a missing field; the API server answers 422 too
        return Reply.status(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
      }
      if (r.code() < 300 && bodyOf(r).isEmpty()) {
        // the patch removed the last finalizer of a deleted object: it is gone; answer with what it was
        return Reply.json(200, currentNode);
      }
      return passThrough(r);
    }
  }

  private boolean changedSince(ResourcePath main, JsonNode seen) {
    MockResponse now = store.dispatch(request(HttpMethod.GET, main.storePath(), null, null));
    return now.code() == 200 && !bodyOf(now).isEmpty() && !parse(bodyOf(now)).path("metadata").path("resourceVersion")
        .asText().equals(seen.path("metadata").path("resourceVersion").asText());
  }

  private Reply delete(ResourcePath rp) {
    MockResponse r = store.dispatch(request(HttpMethod.DELETE, rp.storePath(), null, null));
    if (rp.name() != null && (r.code() == 404 || bodyOf(r).isEmpty())) {
      return Reply.json(404, ApiStatus.notFound(rp.plural(), rp.group(), rp.name()));
    }
    return passThrough(r);
  }

  private static Reply passThrough(MockResponse r) {
    String body = bodyOf(r);
    int code = r.code() == 202 ? 200 : r.code(); // the mock answers PATCH with 202; the API server with 200
    if (code >= 400 && (body.isEmpty() || !body.trim().startsWith("{"))) {
      return Reply.status(code, code == 404 ? "NotFound" : code == 409 ? "Conflict" : "BadRequest",
          body.isEmpty() ? "request failed with HTTP " + code : body);
    }
    return new Reply(code, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  static RecordedRequest request(HttpMethod method, String path, String contentType, byte[] body) {
    Headers.Builder h = Headers.builder();
    if (contentType != null) {
      h.add("Content-Type", contentType);
    }
    Buffer b = new Buffer();
    if (body != null) {
      b.write(body);
    }
    return new RecordedRequest("HTTP/1.1", method, path, h.build(), b);
  }

  private static String bodyOf(MockResponse r) {
    return r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
