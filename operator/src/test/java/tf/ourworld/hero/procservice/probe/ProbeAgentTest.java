package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.agent.ProbeAgent;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.TestServer.Framing;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

/**
 * The probe agent on real sockets: the agent listens on TCP and probes unix sockets of its runtime
 * dir; the operator's side (an {@link AgentRoute} on the target) asks it through {@link AgentCheck}.
 */
class ProbeAgentTest {
  static final String TOKEN = "s3cret-token-of-the-pod";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  Path tokenFile;
  ProbeAgent agent;

  @BeforeEach
  void writeToken() throws IOException {
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  ProbeAgent start(ProbeSpec... probes) throws IOException {
    agent = new ProbeAgent(List.of(probes), dir, tokenFile, new InetSocketAddress("127.0.0.1", 0));
    return agent;
  }

  ProbeTarget viaAgent(String token) {
    return new ProbeTarget("127.0.0.1", dir, List.of(dir), Map.of(), "pod",
        new AgentRoute("127.0.0.1", agent.address().getPort(), token));
  }

  static ProbeSpec named(String name, ProbeSpec spec) {
    spec.setName(name);
    spec.setTimeoutSeconds(1);
    return spec;
  }

  HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.address().getPort() + path))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aProbeThroughTheAgentPassesWhenItsSocketAnswers() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    start(ui);
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.http(200, "ok"))) {
      ProbeOutcome outcome = ProbeChecks.runOnce(ui, viaAgent(TOKEN));
      assertThat(outcome.error()).isNull();
      assertThat(outcome.success()).isTrue();
      assertThat(s.requests()).singleElement().asString().startsWith("GET /health HTTP/1.1");
    }
  }

  @Test
  void failuresAreTheSameTextsAsInTheOperatorWithTheAgentNamed() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    ProbeSpec rpc = named("rpc", Specs.httpGetUnix("rpc.sock", "/"));
    start(ui, rpc);
    assertThat(ProbeChecks.runOnce(ui, viaAgent(TOKEN)).error()).isEqualTo("no such socket ui.sock (via probe agent)");
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.HTTP, r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(rpc, viaAgent(TOKEN)).error()).startsWith("empty reply").endsWith("(via probe agent)");
    }
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.http(500, "boom"))) {
      assertThat(ProbeChecks.runOnce(ui, viaAgent(TOKEN)).error()).contains("HTTP 500").endsWith("(via probe agent)")
          .doesNotContain("boom");
    }
  }

  @Test
  void aHangingHandlerTimesOutInTheAgentWithinTheProbesTimeout() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    start(ui);
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.HANG)) {
      ProbeOutcome outcome = ProbeChecks.runOnce(ui, viaAgent(TOKEN));
      assertThat(outcome.error()).isEqualTo("timed out after 1s (via probe agent)");
    }
  }

  @Test
  void withoutThePodsTokenNothingIsProbedAndNoProbeNameIsRevealed() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    start(ui);
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.http(200, "ok"))) {
      assertThat(post("/v1/probes/ui", null).statusCode()).isEqualTo(401);
      assertThat(post("/v1/probes/ui", "Bearer wrong").statusCode()).isEqualTo(401);
      assertThat(post("/v1/probes/nope", "Bearer wrong").statusCode()).as("401 before 404").isEqualTo(401);
      assertThat(ProbeChecks.runOnce(ui, viaAgent("wrong")).error()).startsWith("probe agent refused the pod's token");
      assertThat(s.connections()).as("no request reached the socket").isZero();
      HttpResponse<String> ok = post("/v1/probes/ui", "Bearer " + TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"passed\":true");
    }
  }

  @Test
  void itRunsOnlyItsOwnProbes() throws Exception {
    start(named("ui", Specs.httpGetUnix("ui.sock", "/health")));
    assertThat(post("/v1/probes/other", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    assertThat(post("/v1/probes/", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    assertThat(post("/anything", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    ProbeSpec other = named("other", Specs.httpGetUnix("ui.sock", "/health"));
    assertThat(ProbeChecks.runOnce(other, viaAgent(TOKEN)).error()).startsWith("probe agent does not run this probe");
  }

  @Test
  void aTokenWrittenAfterTheStartIsTakenWithoutARestart() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    start(ui);
    Files.writeString(tokenFile, "rotated");
    assertThat(post("/v1/probes/ui", "Bearer " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(post("/v1/probes/ui", "Bearer rotated").statusCode()).isEqualTo(200);
    Files.delete(tokenFile);
    assertThat(post("/v1/probes/ui", "Bearer rotated").statusCode()).as("no token file: nobody").isEqualTo(401);
  }

  @Test
  void socketsOutsideTheRuntimeDirAndOtherKindsAreRefusedAtStart() {
    assertThatThrownBy(() -> start(named("x", Specs.httpGetUnix("/etc/passwd.sock", "/"))))
        .hasMessageContaining("probe x").hasMessageContaining("not under");
    assertThatThrownBy(() -> start(named("y", Specs.httpGetUnix("../up.sock", "/"))))
        .hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> start(named("t", Specs.tcp(80))))
        .hasMessageContaining("only unix-socket probes");
    assertThatThrownBy(() -> start(named("e", Specs.exec("/bin/true"))))
        .hasMessageContaining("only unix-socket probes");
  }

  @Test
  void anAgentThatIsNotThereIsNamedInTheFailure() throws Exception {
    ProbeSpec ui = named("ui", Specs.httpGetUnix("ui.sock", "/health"));
    start(ui);
    ProbeTarget target = viaAgent(TOKEN);
    agent.close();
    agent = null;
    assertThat(ProbeChecks.runOnce(ui, target).error())
        .isEqualTo("probe agent at 127.0.0.1:" + target.agent().port() + ": connection refused (via probe agent)");
  }

  @Test
  void theTokenIsNeverPrinted() {
    AgentRoute route = new AgentRoute("10.0.0.5", AgentProtocol.PORT, TOKEN);
    assertThat(route.toString()).doesNotContain(TOKEN).contains("10.0.0.5");
    assertThat(new ProbeTarget("10.0.0.5", dir, List.of(dir), Map.of(), "pod", route).toString()).doesNotContain(TOKEN);
  }
}
