package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The OpenAPI v2 document kubectl downloads for client-side validation before {@code apply}.
 * kubectl asks for the protobuf form and skips validating kinds the document does not describe, so
 * a valid document without definitions lets plain {@code kubectl apply -f} work; the operator
 * validates each ProcService itself and reports problems as {@code Failed/InvalidSpec}.
 * OpenAPI v3 documents carry the CRDs' schemas, for {@code kubectl explain}.
 */
final class OpenApiDocuments {
  static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private OpenApiDocuments() {
  }

  static ApiHandler.Reply v2(String accept) {
    if (accept != null && accept.contains("protobuf")) {
      return new ApiHandler.Reply(200, V2_PROTOBUF, v2Protobuf());
    }
    String json = "{\"swagger\":\"2.0\",\"info\":{\"title\":\"procservice local\",\"version\":\"v1.31.0\"},"
        + "\"paths\":{},\"definitions\":{}}";
    return new ApiHandler.Reply(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** gnostic openapi_v2.Document{swagger: "2.0", info: {title, version}} in protobuf wire format. */
  static byte[] v2Protobuf() {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    field(info, 1, "procservice local".getBytes(StandardCharsets.UTF_8));
    field(info, 2, "v1.31.0".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream doc = new ByteArrayOutputStream();
    field(doc, 1, "2.0".getBytes(StandardCharsets.UTF_8));
    field(doc, 2, info.toByteArray());
    return doc.toByteArray();
  }

  /** A length-delimited field (wire type 2); lengths here stay below 128, a one-byte varint. */
  private static void field(ByteArrayOutputStream out, int number, byte[] value) {
    out.write((number << 3) | 2);
    out.write(value.length);
    out.writeBytes(value);
  }

  /** {@code GET /openapi/v3}: one entry per group-version that has a CRD schema. */
  static ApiHandler.Reply v3Root(ApiResourceRegistry registry) {
    ObjectNode root = Serialization.jsonMapper().createObjectNode();
    ObjectNode paths = root.putObject("paths");
    for (String group : registry.groups()) {
      for (String version : registry.versions(group)) {
        ObjectNode doc = v3GroupVersion(registry, group, version);
        if (doc != null) {
          paths.putObject("apis/" + group + "/" + version).put("serverRelativeURL",
              "/openapi/v3/apis/" + group + "/" + version + "?hash=" + hash(doc.toString()));
        }
      }
    }
    return ApiHandler.Reply.json(200, root);
  }

  /** {@code GET /openapi/v3/apis/<group>/<version>}: the CRD schemas of that group-version, or null. */
  static ObjectNode v3GroupVersion(ApiResourceRegistry registry, String group, String version) {
    List<ApiResource> resources = registry.all().stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.schema() != null).toList();
    if (resources.isEmpty()) {
      return null;
    }
    ObjectNode doc = Serialization.jsonMapper().createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "procservice local").put("version", "v1.31.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (ApiResource r : resources) {
      ObjectNode schema = r.schema().deepCopy();
      schema.putArray("x-kubernetes-group-version-kind").addObject()
          .put("group", r.group()).put("kind", r.kind()).put("version", r.version());
      String name = reverseDomain(r.group()) + "." + r.version() + "." + r.kind();
      schemas.set(name, schema);
      // kubectl explain finds a resource's schema through the GET operation of its path.
      String base = "/apis/" + r.group() + "/" + r.version() + (r.namespaced() ? "/namespaces/{namespace}/" : "/")
          + r.plural() + "/{name}";
      ObjectNode get = paths.putObject(base).putObject("get");
      get.put("operationId", "read" + r.kind());
      get.put("x-kubernetes-action", "get");
      get.putObject("x-kubernetes-group-version-kind").put("group", r.group()).put("version", r.version())
          .put("kind", r.kind());
      get.putObject("responses").putObject("200").put("description", "OK").putObject("content")
          .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + name);
    }
    return doc;
  }

  private static String reverseDomain(String group) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts);
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16).toUpperCase(java.util.Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
