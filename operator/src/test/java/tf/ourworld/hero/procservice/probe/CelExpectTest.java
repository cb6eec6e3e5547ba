package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tf.ourworld.hero.procservice.probe.Specs.httpGet;
import static tf.ourworld.hero.procservice.probe.Specs.httpGetUnix;
import static tf.ourworld.hero.procservice.probe.Specs.inDir;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.TestServer.Framing;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

/** expect.cel against real HTTP and JSON-RPC servers: what passes, and each failure's text. */
class CelExpectTest {
  private static final String HEALTH = "{\"status\":\"ok\",\"db\":{\"latencyMs\":12},\"tags\":[\"a\",\"b\"],"
      + "\"ratio\":0.5,\"secret\":\"hunter2\"}";

  @TempDir
  Path dir;

  static Stream<Arguments> httpCases() {
    return Stream.of(
        // expression, status, body, headers..., expected error (null: passes)
        Arguments.of("json.status == \"ok\" && json.db.latencyMs < 200", 200, HEALTH, null),
        Arguments.of("json.db.latencyMs < 10", 200, HEALTH, "expect.cel was false: json.db.latencyMs < 10"),
        Arguments.of("status == 204 || status == 200", 200, HEALTH, null),
        Arguments.of("headers['content-type'].startsWith('application/json')", 200, HEALTH, null),
        Arguments.of("headers['x-version'] == '1, 2'", 200, HEALTH, null), // repeated header, joined
        Arguments.of("'content-type' in headers && !('Content-Type' in headers)", 200, HEALTH, null),
        Arguments.of("body.contains('\"ok\"') && size(body) > 10", 200, HEALTH, null),
        Arguments.of("json.tags.exists(t, t == 'b') && json.ratio == 0.5", 200, HEALTH, null),
        Arguments.of("json == null && body == 'plain ok'", 200, "plain ok", null),
        Arguments.of("has(json.db) && !has(json.nope)", 200, HEALTH, null),
        Arguments.of("json.nope == 1", 200, HEALTH,
            "expect.cel error: key 'nope' is not present in map.: json.nope == 1"),
        // a failed conversion quotes the value, which comes from the body: never shown
        Arguments.of("int(json.secret) > 0", 200, HEALTH, "expect.cel error: For input string: \"...\": int(json.secret) > 0"),
        Arguments.of("json.status", 200, HEALTH, "expect.cel returned string, not bool: json.status"),
        Arguments.of("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].all(a, [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,"
            + "17,18,19,20].all(b, [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].all(c, [1,2,3,4,5,6,7,8,9,10].all(d,"
            + " a + b + c + d > 0))))", 200, HEALTH, "expect.cel exceeded its cost limit (100000 steps): "
            + "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].all(a, [1,2,3,4,5,6,7,8,..."),
        // statusCodes still apply first
        Arguments.of("status == 503", 503, HEALTH, "HTTP 503"));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("httpCases")
  void overHttpGet(String cel, int status, String body, String error) throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(status, body, "Content-Type: application/json",
        "X-Version: 1", "X-Version: 2"))) {
      ProbeSpec spec = cel(httpGet(s.port(), "/health"), cel);
      spec.setTimeoutSeconds(60); // the cost limit, not the deadline, must stop the runaway expression
      ProbeOutcome o = ProbeChecks.runOnce(spec, loopback());
      if (error == null) {
        assertThat(o.success()).as(o.error()).isTrue();
      } else {
        assertThat(o.success()).isFalse();
        assertThat(o.error()).isEqualTo(error).doesNotContain("hunter2");
      }
    }
  }

  @Test
  void overAUnixSocket() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.http(200, HEALTH))) {
      ProbeOutcome o = ProbeChecks.runOnce(cel(httpGetUnix("ui.sock", "/health"), "json.status == 'ok'"), inDir(dir));
      assertThat(o.success()).as(o.error()).isTrue();
    }
  }

  @Test
  void bodyIsCutAtMaxBodyBytesAndACutDocumentIsNotJson() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(200, HEALTH))) {
      ProbeSpec spec = cel(httpGet(s.port(), "/"), "json == null && size(body) == 5");
      spec.getExpect().setMaxBodyBytes(5);
      ProbeOutcome o = ProbeChecks.runOnce(spec, loopback());
      assertThat(o.success()).as(o.error()).isTrue();
    }
  }

  @Test
  void theDeadlineStopsAnEvaluation() throws Exception {
    // a cheap loop per step, many steps: only the deadline can stop it before the cost limit
    String cel = "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c,"
        + " body.matches('^a+b$'))))";
    try (TestServer s = TestServer.http(r -> Reply.http(200, "a".repeat(1_000_000) + "b"))) {
      ProbeSpec spec = cel(httpGet(s.port(), "/"), cel);
      spec.getExpect().setMaxBodyBytes(1_000_001);
      ProbeOutcome o = ProbeChecks.runOnce(spec, loopback());
      assertThat(o.error()).isEqualTo("timed out after 1s");
    }
  }

  @Test
  void aLongExpressionIsCutInTheMessage() throws Exception {
    String cel = "json.status == 'degraded' && " + "json.db.latencyMs < 200 && ".repeat(10) + "true";
    try (TestServer s = TestServer.http(r -> Reply.http(200, HEALTH))) {
      ProbeOutcome o = ProbeChecks.runOnce(cel(httpGet(s.port(), "/"), cel), loopback());
      assertThat(o.error()).startsWith("expect.cel was false: json.status == 'degraded' && json.db")
          .endsWith("...").hasSizeLessThanOrEqualTo("expect.cel was false: ".length() + CelExpression.SHOWN);
    }
  }

  static Stream<Arguments> openRpcCases() {
    return Stream.of(
        Arguments.of("result.openrpc == '1.2.6' && error == null", false, null),
        Arguments.of("json.jsonrpc == '2.0' && status == 200 && headers['content-type'] == 'application/json'",
            false, null),
        Arguments.of("result.openrpc.startsWith('2.')", false, "expect.cel was false: result.openrpc.startsWith('2.')"),
        Arguments.of("error.code == -32601 && result == null", true, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openRpcCases")
  void overOpenRpc(String cel, boolean errorReply, String error) throws Exception {
    try (TestServer s = TestServer.http(r -> {
      String id = r.replaceAll("(?s).*\"id\":(\\d+).*", "$1");
      String reply = errorReply
          ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"
          : "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"openrpc\":\"1.2.6\"}}";
      return Reply.http(200, reply, "Content-Type: application/json");
    })) {
      OpenRpcAction a = new OpenRpcAction();
      a.setPort(new IntOrString(s.port()));
      a.setAcceptErrorCodes(List.of(-32601));
      ProbeOutcome o = ProbeChecks.runOnce(cel(Specs.openRpc(a), cel), loopback());
      if (error == null) {
        assertThat(o.success()).as(o.error()).isTrue();
      } else {
        assertThat(o.error()).isEqualTo(error);
      }
    }
  }

  @Test
  void openRpcRawHasNoStatusNorHeaders() throws Exception {
    try (TestServer s = TestServer.tcp(Framing.LINE, r -> Reply.raw("{\"jsonrpc\":\"2.0\",\"id\":"
        + r.replaceAll("(?s).*\"id\":(\\d+).*", "$1").trim() + ",\"result\":[1,2]}\n"))) {
      OpenRpcAction a = new OpenRpcAction();
      a.setPort(new IntOrString(s.port()));
      a.setTransport(OpenRpcAction.Transport.Raw);
      ProbeOutcome o = ProbeChecks.runOnce(cel(Specs.openRpc(a), "status == 0 && size(headers) == 0 && result.size() == 2"),
          loopback());
      assertThat(o.success()).as(o.error()).isTrue();
    }
  }

  static Stream<Arguments> compileErrors() {
    return Stream.of(
        Arguments.of("status + 1", "at 1:8: expected type 'bool' but found 'int'"),
        Arguments.of("foo == 1", "at 1:1: undeclared reference to 'foo' (in container '')"),
        Arguments.of("status == 'x'", "at 1:8: found no matching overload for '_==_' applied to '(int, string)'"),
        Arguments.of("((", "at 1:3: mismatched input '<EOF>'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compileErrors")
  void compileErrorsCarryCelsMessage(String cel, String message) {
    assertThatThrownBy(() -> CelExpression.compile(cel, CelExpression.Vars.HTTP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
  }

  @Test
  void resultAndErrorAreOnlyForOpenRpc() {
    assertThatThrownBy(() -> CelExpression.compile("result == null", CelExpression.Vars.HTTP))
        .hasMessageContaining("undeclared reference to 'result'");
    assertThat(CelExpression.compile("result == null", CelExpression.Vars.OPEN_RPC).expression())
        .isEqualTo("result == null");
  }

  @Test
  void compiledOncePerExpression() {
    assertThat(CelExpression.compile("status == 200", CelExpression.Vars.HTTP))
        .isSameAs(CelExpression.compile("status == 200", CelExpression.Vars.HTTP));
  }

  private static ProbeSpec cel(ProbeSpec spec, String cel) {
    ExpectSpec e = spec.getExpect() == null ? new ExpectSpec() : spec.getExpect();
    e.setCel(cel);
    spec.setExpect(e);
    return spec;
  }
}
