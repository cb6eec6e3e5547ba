package tf.ourworld.hero.procservice.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI v2 document kubectl downloads for client-side validation before {@code apply}.
 * kubectl asks for the protobuf form and skips validating kinds the document does not describe, so
 * a valid document without definitions lets plain {@code kubectl apply -f} work; the operator
 * validates each ProcService itself and reports problems as {@code Failed/InvalidSpec}.
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
}
