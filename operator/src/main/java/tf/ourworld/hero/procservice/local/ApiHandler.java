package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Answers one non-watch API request: discovery, OpenAPI and version documents itself, object
 * requests through the {@link ApiStore}, with what real clients need: schema defaults and
 * validation, field/label selectors on any field, Table responses, JSON and RFC 7386 merge
 * patches, Status errors.
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
    try {
      return switch (method) {
        case "GET" -> get(rp, resource, accept);
        case "POST", "PUT" -> {
          byte[] prepared = withDefaults(resource, body);
          Reply invalid = checkNames(resource, rp, prepared);
          if (invalid == null) {
            invalid = validate(resource, rp, prepared);
          }
          yield invalid != null ? invalid : write(method, rp, resource, prepared);
        }
        case "PATCH" -> patch(rp, resource, contentType, body);
        case "DELETE" -> delete(rp);
        default -> Reply.status(405, "MethodNotAllowed", method + " is not supported");
      };
    } catch (ApiError e) {
      return Reply.json(e.code(), e.status());
    }
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
    JsonNode node;
    if (rp.name() != null) {
      node = parse(store.get(ObjectKey.of(rp)));
    } else {
      node = list(rp, resource, store.list(ObjectKey.of(rp)));
    }
    if (accept != null && accept.contains(TABLE_MARKER) && resource.isPresent()) {
      return Reply.json(200, tables.toTable(resource.get(), node, true));
    }
    return Reply.json(200, node);
  }

  /** A List of the stored objects that pass the request's field and label selectors. */
  private static ObjectNode list(ResourcePath rp, Optional<ApiResource> resource, ApiStore.Listing stored) {
    Predicate<JsonNode> keep = Selectors.field(rp.query().get("fieldSelector"))
        .and(Selectors.label(rp.query().get("labelSelector")));
    ObjectNode list = JSON.createObjectNode();
    list.put("apiVersion", resource.map(ApiResource::groupVersion)
        .orElse(rp.group().isEmpty() ? rp.version() : rp.group() + "/" + rp.version()));
    list.put("kind", resource.map(r -> r.kind() + "List").orElse("List"));
    list.putObject("metadata").put("resourceVersion", Long.toString(stored.resourceVersion()));
    ArrayNode items = list.putArray("items");
    for (String json : stored.items()) {
      JsonNode item = parse(json);
      if (keep.test(item)) {
        items.add(item);
      }
    }
    return list;
  }

  private Reply write(String method, ResourcePath rp, Optional<ApiResource> resource, byte[] body) {
    ObjectNode object = objectBody(body);
    if (rp.query().containsKey("dryRun")) {
      return Reply.json(method.equals("POST") ? 201 : 200, object);
    }
    boolean statusSubresource = resource.map(ApiResource::statusSubresource).orElse(false);
    if (method.equals("POST")) {
      return new Reply(201, "application/json", bytes(store.create(rp, object, statusSubresource)));
    }
    return new Reply(200, "application/json", bytes(store.replace(rp, object, statusSubresource)));
  }

  private static ObjectNode objectBody(byte[] body) {
    JsonNode node;
    try {
      node = body == null || body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      throw ApiError.of(400, "BadRequest", "the body of the request is not valid JSON: " + e.getMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiError.of(400, "BadRequest", "the body of the request must be a JSON object");
    }
    return object;
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
    ObjectNode invalid = invalid(resource, rp, object);
    return invalid == null ? null : Reply.json(422, invalid);
  }

  /** The 422 Status when the object breaks its CRD's structural schema, else null. */
  private static ObjectNode invalid(ApiResource resource, ResourcePath rp, JsonNode object) {
    if (resource.schema() == null) {
      return null;
    }
    java.util.List<SchemaValidator.Problem> problems = SchemaValidator.validate(object, resource.schema());
    if (problems.isEmpty()) {
      return null;
    }
    String name = rp.name() != null ? rp.name() : object.path("metadata").path("name").asText("");
    return ApiStatus.invalid(resource, name, problems);
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
    JsonNode patch;
    try {
      patch = JSON.readTree(body);
    } catch (IOException e) {
      return Reply.status(400, "BadRequest", "the patch is not valid JSON: " + e.getMessage());
    }
    UnaryOperator<ObjectNode> change = current -> patched(rp, resource, current, patch, jsonPatch);
    if (rp.query().containsKey("dryRun")) {
      return Reply.json(200, change.apply((ObjectNode) parse(store.get(ObjectKey.of(rp)))));
    }
    // applied to the current object under the store's write lock: as atomic as on the API server
    boolean statusSubresource = resource.map(ApiResource::statusSubresource).orElse(false);
    return new Reply(200, "application/json", bytes(store.update(rp, change, statusSubresource)));
  }

  /** The current object with the patch applied: a JSON patch, or a merge patch with the schema's defaults. */
  private static ObjectNode patched(ResourcePath rp, Optional<ApiResource> resource, ObjectNode current,
      JsonNode patch, boolean jsonPatch) {
    JsonNode result;
    if (jsonPatch) {
      try {
        result = io.fabric8.zjsonpatch.JsonPatch.apply(patch, current);
      } catch (RuntimeException e) {
        // e.g. a replace of a missing field, or a failed test; the API server answers 422 too
        throw ApiError.of(422, "Invalid", "the patch cannot be applied: " + e.getMessage());
      }
    } else {
      result = MergePatch.apply(current, patch);
      resource.filter(r -> r.schema() != null).ifPresent(r -> SchemaDefaults.apply(result, r.schema()));
    }
    if (!(result instanceof ObjectNode object)) {
      throw ApiError.of(422, "Invalid", "the patch cannot be applied: the result is not an object");
    }
    ObjectNode invalid = resource.map(r -> invalid(r, rp, object)).orElse(null);
    if (invalid != null) {
      throw new ApiError(invalid);
    }
    return object;
  }

  private Reply delete(ResourcePath rp) {
    if (rp.name() != null) {
      return new Reply(200, "application/json", bytes(store.delete(rp)));
    }
    // deletecollection: every selected object of the collection, each as a DELETE of its own
    ObjectNode deleted = list(rp, Optional.empty(), store.list(ObjectKey.of(rp)));
    ArrayNode after = JSON.createArrayNode();
    for (JsonNode item : deleted.get("items")) {
      String name = item.path("metadata").path("name").asText();
      String ns = item.path("metadata").path("namespace").asText(null);
      try {
        ResourcePath one = new ResourcePath(rp.group(), rp.version(), ns, rp.plural(), name, null, rp.query());
        after.add(parse(store.delete(one)));
      } catch (ApiError e) {
        // deleted meanwhile
      }
    }
    deleted.set("items", after);
    return Reply.json(200, deleted);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
