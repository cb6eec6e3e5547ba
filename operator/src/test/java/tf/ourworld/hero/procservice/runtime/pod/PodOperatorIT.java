package tf.ourworld.hero.procservice.runtime.pod;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.runtime.track.TrackRuntime;
import tf.ourworld.hero.procservice.testing.MockApi;

/**
 * The whole operator (reconciler, real probe scheduler) with PodRuntime on the mock API and a fake
 * kubelet: the pod comes up, its real HTTP handler is probed, and a handler that starts failing
 * gets its pod replaced.
 */
class PodOperatorIT {
  private static final String NS = "hero";

  private MockApi api;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private OperatorApp app;
  private HttpServer handler;
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void setUp() throws Exception {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(100));
    api = new MockApi();
    client = api.client();
    kubelet = new FakeKubelet(client, NS);
    handler = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handler.createContext("/health", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    handler.start();
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1);
    app = OperatorApp.builder(client, config)
        .runtime(new PodRuntime(client, config, Clock.systemUTC()))
        .runtime(new TrackRuntime(client, config))
        .start();
  }

  @AfterEach
  void tearDown() {
    app.close();
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

  private Pod pod() {
    return client.pods().inNamespace(NS).withName("foundry").get();
  }

  @Test
  void podServiceRunsAndAFailingHandlerGetsItsPodReplaced() {
    ProcService s = Services.pod(NS, "foundry",
        process("server", "example.org/hero_foundry:1.4", new PortSpec("http", handler.getAddress().getPort())));
    ProbeSpec probe = http("health", "server", new IntOrString("http"), "/health");
    probe.setPeriodSeconds(1);
    probe.setFailureThreshold(2);
    s.getSpec().getProbes().add(probe);
    client.resources(ProcService.class).inNamespace(NS).resource(s).create();

    await().until(() -> state() == ServiceState.Running);
    assertThat(get().getStatus().getProbesReady()).isEqualTo("1/1");
    assertThat(get().getStatus().getProcesses()).singleElement()
        .satisfies(p -> assertThat(p.getPod()).isEqualTo("foundry"));
    String firstUid = pod().getMetadata().getUid();

    status.set(500);

    await().until(() -> {
      Pod p = pod();
      return p != null && !p.getMetadata().getUid().equals(firstUid);
    });
    assertThat(pod().getMetadata().getAnnotations()).containsEntry(PodTemplate.ANNOTATION_REPLACEMENTS, "1");
    status.set(200);
    await().until(() -> state() == ServiceState.Running);
    assertThat(get().getStatus().getRestarts()).isGreaterThanOrEqualTo(1);
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void suspendDeletesThePodAndResumeCreatesIt() {
    ProcService s = Services.pod(NS, "foundry", process("server", "example.org/hero_foundry:1.4"));
    client.resources(ProcService.class).inNamespace(NS).resource(s).create();
    await().until(() -> pod() != null && state() == ServiceState.Running);

    client.resources(ProcService.class).inNamespace(NS).withName("foundry")
        .edit(p -> {
          p.getSpec().setSuspend(true);
          return p;
        });

    // Stopped/Stopping while the pod terminates, then Stopped/Suspended once it is gone
    await().until(() -> pod() == null && state() == ServiceState.Stopped
        && "Suspended".equals(get().getStatus().getReason()));

    client.resources(ProcService.class).inNamespace(NS).withName("foundry")
        .edit(p -> {
          p.getSpec().setSuspend(false);
          return p;
        });
    await().until(() -> pod() != null && state() == ServiceState.Running);
  }
}
