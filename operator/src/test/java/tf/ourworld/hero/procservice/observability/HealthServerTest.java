package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ServiceState;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final OperatorMetrics metrics = new OperatorMetrics();
  private final AtomicBoolean alive = new AtomicBoolean(true);
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private HealthServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzAndReadyzFollowTheSuppliers() throws Exception {
    server = HealthServer.start(0, metrics, OperatorHealth.of(alive::get, ready::get));
    assertThat(server.port()).isPositive();

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    assertThat(get("/readyz").body()).isEqualTo("not ready\n");

    ready.set(true);
    alive.set(false);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").statusCode()).isEqualTo(503);
  }

  @Test
  void aThrowingCheckIsUnhealthyNotAnError() throws Exception {
    server = HealthServer.start(0, metrics, OperatorHealth.of(() -> {
      throw new IllegalStateException("informer gone");
    }, () -> true));
    HttpResponse<String> r = get("/healthz");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).doesNotContain("informer gone");
  }

  @Test
  void metricsServesPrometheusText() throws Exception {
    metrics.serviceState("hero", "hero-foundry", ServiceState.Running);
    server = HealthServer.start(0, metrics, OperatorHealth.of(() -> true, () -> true));

    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(PrometheusText.parse(r.body())
        .value("procservice_state", "namespace", "hero", "name", "hero-foundry", "state", "Running")).contains(1.0);
  }

  @Test
  void unknownPathsAre404AndWritesAre405() throws Exception {
    server = HealthServer.start(0, metrics, OperatorHealth.of(() -> true, () -> true));
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void portMinusOneServesNothing() {
    server = HealthServer.start(-1, metrics, OperatorHealth.of(() -> true, () -> true));
    assertThat(server.port()).isEqualTo(-1);
  }
}
