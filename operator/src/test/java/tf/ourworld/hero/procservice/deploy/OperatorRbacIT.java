package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.pod.Services.http;
import static tf.ourworld.hero.procservice.runtime.pod.Services.process;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.observability.EventRecorder;
import tf.ourworld.hero.procservice.observability.OperatorMetrics;
import tf.ourworld.hero.procservice.observability.TransitionReporter;
import tf.ourworld.hero.procservice.runtime.pod.FakeKubelet;
import tf.ourworld.hero.procservice.runtime.pod.PodRuntime;
import tf.ourworld.hero.procservice.runtime.track.TrackRuntime;
import tf.ourworld.hero.procservice.testing.MockApi;

/**
 * deploy/rbac.yaml against every API request the whole operator makes — Pod runtime, probes,
 * restarts, Events (created and bumped), finalizer, status — recorded by the mock API server from
 * the operator's own client: each request must be allowed, and each grant must be used by one
 * (or be listed with its reason in {@link RbacAudit#NOT_EXERCISED}).
 */
class OperatorRbacIT {
  private static final String NS = "hero";

  private MockApi api;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private OperatorApp app;
  private EventRecorder events;
  private HttpServer handler;
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void setUp() throws Exception {
    api = new MockApi();
    client = api.client();
    kubelet = new FakeKubelet(client, NS);
    handler = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handler.createContext("/health", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    handler.start();
    KubernetesClient operatorClient = api.operatorClient();
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1);
    OperatorMetrics metrics = new OperatorMetrics();
    events = new EventRecorder(operatorClient);
    app = OperatorApp.builder(operatorClient, config)
        .runtime(new PodRuntime(operatorClient, config, Clock.systemUTC()))
        .runtime(new TrackRuntime(operatorClient, config))
        .events(new TransitionReporter(events, metrics))
        .metrics(metrics)
        .start();
  }

  @AfterEach
  void tearDown() {
    app.close();
    events.close();
    handler.stop(0);
    kubelet.close();
    api.close();
  }

  private ProcService get() {
    return client.resources(ProcService.class).inNamespace(NS).withName("foundry").get();
  }

  private ServiceState state() {
    ProcService s = get();
    return s == null || s.getStatus() == null ? null : s.getStatus().getState();
  }

  private String podUid() {
    Pod p = client.pods().inNamespace(NS).withName("foundry").get();
    return p == null ? null : p.getMetadata().getUid();
  }

  /** The handler fails until the operator has replaced the pod, then answers again. */
  private void failUntilReplaced() {
    String before = podUid();
    status.set(500);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      String now = podUid(); // read once: the pod may vanish between two reads
      return now != null && !now.equals(before);
    });
    status.set(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> state() == ServiceState.Running);
  }

  @Test
  void shippedRbacAllowsExactlyWhatTheOperatorCalls() {
    ProcService s = tf.ourworld.hero.procservice.runtime.pod.Services.pod(NS, "foundry",
        process("server", "example.org/hero_foundry:1.4", new PortSpec("http", handler.getAddress().getPort())));
    ProbeSpec probe = http("health", "server", new IntOrString("http"), "/health");
    probe.setPeriodSeconds(1);
    probe.setFailureThreshold(2);
    s.getSpec().getProbes().add(probe);
    client.resources(ProcService.class).inNamespace(NS).resource(s).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> state() == ServiceState.Running);

    // Twice the same failure: the second time the Events are bumped (patch), not created.
    failUntilReplaced();
    failUntilReplaced();
    assertThat(events.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getCount()).isGreaterThan(1));

    client.resources(ProcService.class).inNamespace(NS).withName("foundry").delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get() == null);

    List<ApiRequest> requests = api.operatorRequests().stream().map(r -> new ApiRequest(r.method(), r.path())).toList();
    RbacAudit.assertExact(RbacAudit.projectRoot().resolve(RbacAudit.DEPLOY_RBAC), requests, RbacAudit.NOT_EXERCISED.keySet());
  }
}
