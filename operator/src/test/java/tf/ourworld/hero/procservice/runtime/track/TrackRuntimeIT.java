package tf.ourworld.hero.procservice.runtime.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.runtime.pod.Services;

/**
 * TrackRuntime against the mock API: three pods made by "someone else" (the test), each pointing
 * at a real HTTP handler on loopback; pod-b's handler is broken.
 */
class TrackRuntimeIT {

  private static final String NS = "shop";

  private MockApi api;
  private KubernetesClient client;
  private TrackRuntime runtime;
  private HttpServer good;
  private HttpServer broken;
  private final List<ResourceID> triggered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
    api = new MockApi();
    client = api.client();
    good = server(200);
    broken = server(500);
    createPod("pod-a", "web", good.getAddress().getPort(), true);
    createPod("pod-b", "web", broken.getAddress().getPort(), true);
    createPod("pod-c", "web", good.getAddress().getPort(), true);
    createPod("pod-x", "other", good.getAddress().getPort(), true);
    runtime = new TrackRuntime(client, OperatorConfig.defaults());
    runtime.onChange(triggered::add);
  }

  @AfterEach
  void tearDown() {
    runtime.close();
    good.stop(0);
    broken.stop(0);
    api.close();
  }

  private static HttpServer server(int status) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
    return server;
  }

  private void createPod(String name, String app, int port, boolean running) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels("app", app).endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage("example.org/shop:2")
        .addNewPort().withName("http").withContainerPort(port).endPort().endContainer().endSpec();
    if (running) {
      pod.withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
          .addNewContainerStatus().withName("web").withRestartCount(2).withReady(true)
          .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-01-01T00:00:00Z").endRunning().build())
          .endContainerStatus().endStatus();
    } else {
      pod.withNewStatus().withPhase("Pending").endStatus();
    }
    client.pods().inNamespace(NS).resource(pod.build()).create();
  }

  private ProcService service() {
    ProcService s = TrackRuntimeCheckTest.track(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(),
        Services.http("http", null, new IntOrString("http"), "/"));
    s.getMetadata().setNamespace(NS);
    return client.resources(ProcService.class).inNamespace(NS).resource(s).create();
  }

  private Set<String> podNames() {
    return Set.copyOf(client.pods().inNamespace(NS).list().getItems().stream()
        .map(p -> p.getMetadata().getName()).toList());
  }

  @Test
  void observeListsTheSelectedPodsAndPlansOneProbePerPod() throws Exception {
    ProcService s = service();

    RuntimeObservation obs = runtime.observe(s);

    assertThat(obs.processes()).isEmpty();
    assertThat(obs.pods()).extracting(TrackedPod::name).containsExactly("pod-a", "pod-b", "pod-c");
    assertThat(obs.pods()).allSatisfy(p -> {
      assertThat(p.running()).isTrue();
      assertThat(p.phase()).isEqualTo("Running");
      assertThat(p.podIp()).isEqualTo("127.0.0.1");
      assertThat(p.uid()).isNotBlank();
    });

    List<PlannedProbe> planned = runtime.plannedProbes(s, obs);

    assertThat(planned).extracting(pp -> pp.key().toString()).containsExactly("http@pod-a", "http@pod-b", "http@pod-c");
    assertThat(planned).allSatisfy(p -> {
      assertThat(p.target().host()).isEqualTo("127.0.0.1");
      assertThat(p.target().namedPorts()).containsOnlyKeys("http");
      assertThat(p.incarnation()).endsWith("/web=2");
    });
    assertThat(planned.get(1).target().description()).isEqualTo("pod-b");
    assertThat(status(planned.get(0))).isEqualTo(200);
    assertThat(status(planned.get(1))).as("pod-b's handler is the failing one").isEqualTo(500);
    assertThat(status(planned.get(2))).isEqualTo(200);
  }

  private static int status(PlannedProbe probe) throws Exception {
    int port = probe.target().namedPorts().get(probe.spec().getHttpGet().getPort().getStrVal());
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + probe.target().host() + ":" + port + "/")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void restartDeletesOnlyTheNamedSelectedPod() {
    ProcService s = service();
    runtime.observe(s);
    triggered.clear();

    runtime.restart(s, Set.of("pod-b"));

    await().until(() -> !podNames().contains("pod-b"));
    assertThat(podNames()).containsExactlyInAnyOrder("pod-a", "pod-c", "pod-x");
    await().until(() -> runtime.observe(s).pods().size() == 2);
    await().until(() -> triggered.contains(ResourceID.fromResource(s))); // sent asynchronously

    runtime.restart(s, Set.of("pod-x"));   // not selected: never touched
    runtime.restart(s, Set.of());          // no names: nothing
    assertThat(podNames()).containsExactlyInAnyOrder("pod-a", "pod-c", "pod-x");
  }

  @Test
  void neverCreatesOrDeletesOnStartAndStop() {
    ProcService s = service();
    client.pods().inNamespace(NS).withName("pod-a").delete();
    await().until(() -> runtime.observe(s).pods().size() == 2);

    runtime.start(s, Set.of());
    assertThat(runtime.stop(s)).isTrue();

    assertThat(podNames()).containsExactlyInAnyOrder("pod-b", "pod-c", "pod-x");
    assertThat(runtime.observe(s).pods()).extracting(TrackedPod::name).containsExactly("pod-b", "pod-c");
  }

  @Test
  void podsWithoutIpAreListedButNotProbedAndNewPodsTrigger() {
    ProcService s = service();
    runtime.observe(s);
    triggered.clear();

    createPod("pod-d", "web", 1, false);

    await().until(() -> triggered.contains(ResourceID.fromResource(s)));
    RuntimeObservation obs = runtime.observe(s);
    assertThat(obs.pods()).extracting(TrackedPod::name).contains("pod-d");
    assertThat(obs.pods()).filteredOn(p -> p.name().equals("pod-d")).singleElement()
        .satisfies(p -> assertThat(p.running()).isFalse());
    assertThat(runtime.plannedProbes(s, obs)).extracting(pp -> pp.key().toString()).doesNotContain("http@pod-d");
  }

  @Test
  void terminatingPodIsNotRunning() {
    ProcService s = service();
    client.pods().inNamespace(NS).withName("pod-c").edit(p -> new PodBuilder(p).editMetadata()
        .addToFinalizers("test.hero.ourworld.tf/hold").endMetadata().build());
    client.pods().inNamespace(NS).withName("pod-c").delete();

    await().until(() -> runtime.observe(s).pods().stream()
        .anyMatch(p -> p.name().equals("pod-c") && p.phase().equals("Terminating") && !p.running()));
    Pod c = client.pods().inNamespace(NS).withName("pod-c").get();
    assertThat(c.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(runtime.plannedProbes(s, runtime.observe(s))).extracting(pp -> pp.key().toString())
        .containsExactly("http@pod-a", "http@pod-b");
  }
}
