package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.deploy.ApiRequest;
import tf.ourworld.hero.procservice.deploy.RbacAudit;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.SwitchableHttpTarget;

/**
 * The whole operator (real scheduler, Process runtime, child process, HTTP handler) with the
 * observability wired as production wires it: Events on transitions only, metrics on /metrics,
 * /healthz and /readyz from JOSDK, and every API request it made allowed by deploy/rbac.yaml.
 */
class OperatorObservabilityIT {
  static final String NS = "default";
  @TempDir
  Path stateDir;
  MockApi api;
  /** The test's own client; the operator gets {@link MockApi#operatorClient()}, told apart by its User-Agent. */
  KubernetesClient client;
  KubernetesClient operatorClient;
  OperatorApp app;
  SwitchableHttpTarget target;
  OperatorMetrics metrics;
  EventRecorder events;
  HealthServer http;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi();
    client = api.client();
    target = new SwitchableHttpTarget();
    operatorClient = api.operatorClient();
    metrics = new OperatorMetrics();
    events = new EventRecorder(operatorClient);
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of(Path.of("/bin/sleep").toRealPath().toString()));
    app = OperatorApp.builder(operatorClient, config)
        .events(new TransitionReporter(events, metrics))
        .probeObserver(metrics)
        .metrics(metrics)
        .start();
    http = HealthServer.start(0, metrics, OperatorHealth.of(app.operator(), () -> true));
  }

  @AfterEach
  void stop() throws Exception {
    client.resources(ProcService.class).inNamespace(NS).delete();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(ProcService.class).inNamespace(NS).list().getItems().isEmpty());
    http.close();
    app.close();
    events.close();
    api.close();
    target.close();
  }

  private ProcService service(String name) {
    return ProcServiceFixture.named(name).in(NS).stopGrace(2).process("server", "sleep", "600")
        .httpProbe("rpc", "server", target.port(), "/health").every(1, 2).recovery(RecoveryAction.Warn).build();
  }

  private ServiceState state(String name) {
    ProcService ps = client.resources(ProcService.class).inNamespace(NS).withName(name).get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  private List<Event> eventsFor(String name, String reason) {
    events.flush(Duration.ofSeconds(10));
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void aFailingHandlerIsOneEventAndShowsInMetricsAndEveryRequestIsAllowedByRbac() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/readyz").equals("200 ok\n"));
    assertThat(get("/healthz")).isEqualTo("200 ok\n");

    client.resource(service("watched")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("watched") == ServiceState.Running);
    await().atMost(Duration.ofSeconds(10)).until(() -> PrometheusText.parse(get("/metrics").substring(4))
        .value("procservice_state", "namespace", NS, "name", "watched", "state", "Running").orElse(0.0) == 1.0);

    target.emptyReplies(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> state("watched") == ServiceState.Degraded);
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsFor("watched", "ProbeFailed").size() == 1);
    // More failing probe runs, no more Events: transitions only.
    int before = target.requests.get();
    await().atMost(Duration.ofSeconds(15)).until(() -> target.requests.get() >= before + 3);
    assertThat(eventsFor("watched", "ProbeFailed")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getMessage()).startsWith("Probe rpc failed").contains("empty reply");
    });
    PrometheusText scraped = PrometheusText.parse(get("/metrics").substring(4));
    assertThat(scraped.value("procservice_state", "namespace", NS, "name", "watched", "state", "Degraded")).contains(1.0);
    assertThat(scraped.value("procservice_probe_total", "namespace", NS, "name", "watched", "probe", "rpc",
        "kind", "httpGet", "result", "failure")).hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(2.0));

    target.emptyReplies(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> state("watched") == ServiceState.Running);
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsFor("watched", "Recovered").size() == 1);

    client.resources(ProcService.class).inNamespace(NS).withName("watched").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> !get("/metrics").contains("name=\"watched\""));

    List<ApiRequest> requests = api.operatorRequests().stream().map(r -> new ApiRequest(r.method(), r.path())).toList();
    assertThat(requests).as("requests the operator made").isNotEmpty();
    org.slf4j.LoggerFactory.getLogger(OperatorObservabilityIT.class).info("API access of the operator: {}",
        requests.stream().flatMap(r -> r.access().stream()).map(a -> a.verb() + " " + a.ruleResource()).distinct().sorted()
            .toList());
    RbacAudit.assertCovers(RbacAudit.projectRoot().resolve(RbacAudit.DEPLOY_RBAC), requests);
  }
}
