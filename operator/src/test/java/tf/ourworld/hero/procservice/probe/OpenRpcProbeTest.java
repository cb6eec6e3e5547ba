package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.probe.Specs.inDir;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.probe.TestServer.Framing;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

class OpenRpcProbeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** An HTTP JSON-RPC handler: builds the reply body from the request. */
  private static TestServer.Handler http(Function<JsonNode, String> reply) {
    return r -> Reply.http(200, reply.apply(body(r)), "Content-Type: application/json");
  }

  private static TestServer.Handler raw(Function<JsonNode, String> reply) {
    return r -> Reply.raw(reply.apply(parse(r.trim())) + "\n");
  }

  private static JsonNode body(String httpRequest) {
    return parse(httpRequest.substring(httpRequest.indexOf("\r\n\r\n") + 4));
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String result(JsonNode req) {
    return "{\"jsonrpc\":\"2.0\",\"result\":{\"openrpc\":\"1.2.6\"},\"id\":" + req.get("id") + "}";
  }

  private static String error(JsonNode req, int code) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + req.get("id") + ",\"error\":{\"code\":" + code
        + ",\"message\":\"Method not found\"}}";
  }

  private static OpenRpcAction onPort(int port) {
    OpenRpcAction a = new OpenRpcAction();
    a.setPort(new IntOrString(port));
    return a;
  }

  private static OpenRpcAction onSocket(String socket) {
    OpenRpcAction a = new OpenRpcAction();
    a.setUnixSocket(socket);
    return a;
  }

  @Test
  void rpcDiscoverOverHttpOnTcp() throws Exception {
    try (TestServer s = TestServer.http(http(OpenRpcProbeTest::result))) {
      ProbeOutcome o = ProbeChecks.runOnce(Specs.openRpc(onPort(s.port())), loopback());
      assertThat(o.success()).as(o.error()).isTrue();
      String request = s.requests().get(0);
      assertThat(request).startsWith("POST / HTTP/1.1\r\n").contains("Content-Type: application/json");
      JsonNode sent = body(request);
      assertThat(sent.get("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(sent.get("method").asText()).isEqualTo("rpc.discover");
      assertThat(sent.get("id").isIntegralNumber()).isTrue();
      assertThat(sent.has("params")).isFalse();
    }
  }

  @Test
  void overHttpOnAUnixSocketWithMethodPathAndParams() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.HTTP, http(OpenRpcProbeTest::result))) {
      OpenRpcAction a = onSocket("rpc.sock");
      a.setPath("/rpc");
      a.setMethod("health.check");
      a.setParams(parse("{\"deep\":true,\"list\":[1,2]}"));
      ProbeOutcome o = ProbeChecks.runOnce(Specs.openRpc(a), inDir(dir));
      assertThat(o.success()).as(o.error()).isTrue();
      assertThat(s.requests().get(0)).startsWith("POST /rpc HTTP/1.1\r\n");
      JsonNode sent = body(s.requests().get(0));
      assertThat(sent.get("method").asText()).isEqualTo("health.check");
      assertThat(sent.get("params")).isEqualTo(parse("{\"deep\":true,\"list\":[1,2]}"));
    }
  }

  @Test
  void rawTransportOverAUnixSocket() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.LINE, raw(OpenRpcProbeTest::result))) {
      OpenRpcAction a = onSocket("rpc.sock");
      a.setTransport(OpenRpcAction.Transport.Raw);
      a.setParams(parse("[\"x\"]"));
      ProbeOutcome o = ProbeChecks.runOnce(Specs.openRpc(a), inDir(dir));
      assertThat(o.success()).as(o.error()).isTrue();
      String line = s.requests().get(0);
      assertThat(line).endsWith("}\n").doesNotContain("HTTP");
      assertThat(parse(line).get("params")).isEqualTo(parse("[\"x\"]"));
    }
  }

  @Test
  void rawTransportEmptyReply() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.LINE, r -> Reply.CLOSE)) {
      OpenRpcAction a = onSocket("rpc.sock");
      a.setTransport(OpenRpcAction.Transport.Raw);
      assertThat(ProbeChecks.runOnce(Specs.openRpc(a), inDir(dir)).error()).isEqualTo("empty reply");
    }
  }

  @Test
  void errorCodeAcceptedOrNot() throws Exception {
    try (TestServer s = TestServer.http(http(req -> error(req, -32601)))) {
      OpenRpcAction a = onPort(s.port());
      assertThat(ProbeChecks.runOnce(Specs.openRpc(a), loopback()).error())
          .isEqualTo("JSON-RPC error -32601 Method not found");
      a.setAcceptErrorCodes(List.of(-32601));
      assertThat(ProbeChecks.runOnce(Specs.openRpc(a), loopback()).success()).isTrue();
      a.setAcceptErrorCodes(List.of(-32600));
      assertThat(ProbeChecks.runOnce(Specs.openRpc(a), loopback()).success()).isFalse();
    }
  }

  @Test
  void wrongId() throws Exception {
    try (TestServer s = TestServer.http(http(req -> "{\"jsonrpc\":\"2.0\",\"id\":-7,\"result\":1}"))) {
      assertThat(ProbeChecks.runOnce(Specs.openRpc(onPort(s.port())), loopback()).error())
          .isEqualTo("JSON-RPC id mismatch");
    }
  }

  @Test
  void malformedReplies() throws Exception {
    for (String body : List.of("<html>oops</html>", "{\"id\":1,\"result\":1}", "[]", "{\"jsonrpc\":\"2.0\"")) {
      try (TestServer s = TestServer.http(r -> Reply.http(200, body))) {
        assertThat(ProbeChecks.runOnce(Specs.openRpc(onPort(s.port())), loopback()).error())
            .as(body).startsWith("malformed JSON-RPC reply");
      }
    }
    try (TestServer s = TestServer.http(http(req -> "{\"jsonrpc\":\"2.0\",\"id\":" + req.get("id") + "}"))) {
      assertThat(ProbeChecks.runOnce(Specs.openRpc(onPort(s.port())), loopback()).error())
          .isEqualTo("malformed JSON-RPC reply");
    }
  }

  @Test
  void httpStatusAndEmptyReplyStillReported() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(503, "{}"))) {
      assertThat(ProbeChecks.runOnce(Specs.openRpc(onPort(s.port())), loopback()).error()).isEqualTo("HTTP 503");
    }
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.HTTP, r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(Specs.openRpc(onSocket("rpc.sock")), inDir(dir)).error()).isEqualTo("empty reply");
    }
  }

  @Test
  void nullIdParseErrorReportsTheError() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> OpenRpcCheck.verify(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse\\nerror\"}}".getBytes(), 5,
        java.util.Set.of()))).hasMessage("JSON-RPC error -32700 Parse error");
  }
}
