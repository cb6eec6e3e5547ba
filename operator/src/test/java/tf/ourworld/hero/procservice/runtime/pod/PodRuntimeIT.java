package tf.ourworld.hero.procservice.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.pod.Services.http;
import static tf.ourworld.hero.procservice.runtime.pod.Services.process;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;

/** PodRuntime against the mock API server, with a fake kubelet and real HTTP handlers on loopback. */
class PodRuntimeIT {

  private static final String NS = "hero";

  private MockApi api;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private PodRuntime runtime;
  private HttpServer handler;
  private final List<ResourceID> triggered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
    api = new MockApi();
    client = api.client();
    kubelet = new FakeKubelet(client, NS);
    runtime = newRuntime();
    handler = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handler.createContext("/health", ex -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    handler.start();
  }

  private PodRuntime newRuntime() {
    PodRuntime r = new PodRuntime(client, OperatorConfig.defaults(), Clock.systemUTC());
    r.onChange(triggered::add);
    return r;
  }

  @AfterEach
  void tearDown() {
    handler.stop(0);
    runtime.close();
    kubelet.close();
    api.close();
  }

  /** A service stored in the API, so it has a uid to own its pod. */
  private ProcService service(String name) {
    ProcService s = Services.pod(NS, name, process("server", "example.org/hero_foundry:1.4",
        new PortSpec("http", handler.getAddress().getPort())), process("ui", "example.org/hero_ui:1.4"));
    s.getSpec().getProbes().add(http("health", "server", new IntOrString("http"), "/health"));
    s.getSpec().setStopGracePeriodSeconds(7);
    return client.resources(ProcService.class).inNamespace(NS).resource(s).create();
  }

  private List<Pod> podsOf(String service) {
    return client.pods().inNamespace(NS).withLabel(ProcService.LABEL_PROCSERVICE, service).list().getItems();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private void awaitRunning(ProcService s) {
    await().until(() -> runtime.observe(s).processes().stream().allMatch(p -> p.phase() == Phase.Running));
  }

  @Test
  void startCreatesARestrictedPodThatObserveSeesRunning() {
    ProcService s = service("foundry");
    assertThat(runtime.observe(s).processes()).extracting(ProcessObservation::phase)
        .containsExactly(Phase.NotStarted, Phase.NotStarted);

    runtime.start(s, Set.of());

    Pod created = pod("foundry");
    assertThat(created).isNotNull();
    var spec = created.getSpec();
    assertThat(spec.getAutomountServiceAccountToken()).isFalse();
    assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(spec.getContainers()).extracting(c -> c.getName()).containsExactly("server", "ui");
    assertThat(spec.getContainers()).allSatisfy(c -> {
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/run/procservice");
      assertThat(c.getEnv()).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo("PROCSERVICE_RUNTIME_DIR");
        assertThat(e.getValue()).isEqualTo("/run/procservice");
      });
    });
    assertThat(spec.getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(spec.getRestartPolicy()).isEqualTo("Always");
    assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(7L);
    assertThat(created.getMetadata().getLabels())
        .containsEntry(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME)
        .containsEntry(ProcService.LABEL_PROCSERVICE, "foundry");
    OwnerReference owner = created.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getUid()).isEqualTo(s.getMetadata().getUid());
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();

    awaitRunning(s);
    RuntimeObservation obs = runtime.observe(s);
    assertThat(obs.processes()).allSatisfy(p -> {
      assertThat(p.pod()).isEqualTo("foundry");
      assertThat(p.podIp()).isEqualTo(FakeKubelet.POD_IP);
      assertThat(p.incarnation()).isEqualTo(created.getMetadata().getUid() + "/0");
      assertThat(p.runtimeRestarts()).isZero();
      assertThat(p.startTime()).isNotNull();
    });
    assertThat(runtime.needsReplacement(s, obs)).isFalse();
    await().until(() -> triggered.contains(ResourceID.fromResource(s))); // sent asynchronously
  }

  @Test
  void plannedProbesPointAtARealHandlerOnThePodIp() throws Exception {
    ProcService s = service("foundry");
    assertThat(runtime.plannedProbes(s, runtime.observe(s))).as("nothing running, nothing to probe").isEmpty();

    runtime.start(s, Set.of());
    awaitRunning(s);
    List<PlannedProbe> planned = runtime.plannedProbes(s, runtime.observe(s));

    assertThat(planned).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(ProbeKey.of("health"));
      assertThat(p.target().host()).isEqualTo(FakeKubelet.POD_IP);
      assertThat(p.target().description()).isEqualTo("foundry");
      assertThat(p.target().runtimeDir()).isNull();
      assertThat(p.incarnation()).endsWith("/0");
    });
    PlannedProbe probe = planned.get(0);
    int port = probe.target().namedPorts().get("http");
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + probe.target().host() + ":" + port + probe.spec().getHttpGet().getPath())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("ok");
  }

  @Test
  void externallyDeletedPodIsNotStartedAndStartRecreatesIt() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    String firstUid = pod("foundry").getMetadata().getUid();
    triggered.clear();

    client.pods().inNamespace(NS).withName("foundry").delete();

    await().until(() -> runtime.observe(s).processes().stream().allMatch(p -> p.phase() == Phase.NotStarted));
    await().until(() -> triggered.contains(ResourceID.fromResource(s))); // sent asynchronously

    runtime.start(s, Set.of("server"));
    awaitRunning(s);
    assertThat(pod("foundry").getMetadata().getUid()).isNotEqualTo(firstUid);
    assertThat(podsOf("foundry")).hasSize(1);
  }

  @Test
  void templateChangeIsOutdatedAndRestartReplacesThePod() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    String firstUid = pod("foundry").getMetadata().getUid();

    s.getSpec().getProcesses().get(0).setImage("example.org/hero_foundry:1.5");
    ProcService changed = client.resources(ProcService.class).inNamespace(NS).resource(s).update();

    assertThat(runtime.templateOutdated(changed)).isTrue();
    assertThat(runtime.needsReplacement(changed, runtime.observe(changed))).isTrue();
    runtime.start(changed, Set.of());
    assertThat(pod("foundry").getMetadata().getUid()).as("start never replaces").isEqualTo(firstUid);

    runtime.restart(changed, Set.of("server"));

    await().until(() -> {
      Pod p = pod("foundry");
      return p != null && !p.getMetadata().getUid().equals(firstUid);
    });
    awaitRunning(changed);
    Pod replaced = pod("foundry");
    assertThat(replaced.getSpec().getContainers().get(0).getImage()).isEqualTo("example.org/hero_foundry:1.5");
    assertThat(replaced.getMetadata().getAnnotations()).containsEntry(PodTemplate.ANNOTATION_REPLACEMENTS, "1");
    assertThat(runtime.templateOutdated(changed)).isFalse();
    assertThat(podsOf("foundry")).as("one pod at rest").hasSize(1);
  }

  @Test
  void restartsCountReplacementsAndKubeletRestarts() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);

    for (int i = 1; i <= 2; i++) {
      String uid = pod("foundry").getMetadata().getUid();
      runtime.restart(s, Set.of());
      int expected = i;
      await().until(() -> {
        Pod p = pod("foundry");
        return p != null && !p.getMetadata().getUid().equals(uid)
            && runtime.observe(s).processes().stream().allMatch(o -> o.phase() == Phase.Running
                && o.runtimeRestarts() == expected);
      });
    }
    String before = runtime.observe(s).process("server").orElseThrow().incarnation();

    kubelet.restartContainer(NS, "foundry", "server", 1);

    await().until(() -> runtime.observe(s).process("server").orElseThrow().runtimeRestarts() == 3);
    ProcessObservation server = runtime.observe(s).process("server").orElseThrow();
    assertThat(server.incarnation()).isNotEqualTo(before);
    assertThat(server.lastExit().code()).isEqualTo(1);
    assertThat(runtime.observe(s).process("ui").orElseThrow().runtimeRestarts()).isEqualTo(2);
  }

  @Test
  void crashedContainerIsStartingWhileKubeletRestartsItAndExitedUnderNever() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);

    kubelet.crash(NS, "foundry", "ui", 137);

    await().until(() -> runtime.observe(s).process("ui").orElseThrow().lastExit() != null);
    ProcessObservation ui = runtime.observe(s).process("ui").orElseThrow();
    assertThat(ui.phase()).as("restartPolicy Always: kubelet brings it back").isEqualTo(Phase.Starting);
    assertThat(ui.lastExit().code()).isEqualTo(137);
    assertThat(ui.lastExit().signal()).isEqualTo("SIGKILL");
    assertThat(runtime.observe(s).process("server").orElseThrow().phase()).isEqualTo(Phase.Running);
    // The probe's process still runs: its probe stays planned.
    assertThat(runtime.plannedProbes(s, runtime.observe(s))).extracting(pp -> pp.key().toString()).containsExactly("health");

    ProcService oneShot = service("oneshot");
    oneShot.getSpec().getProcesses().forEach(p -> p.setRestartPolicy(RestartPolicy.Never));
    runtime.start(oneShot, Set.of());
    awaitRunning(oneShot);
    assertThat(pod("oneshot").getSpec().getRestartPolicy()).isEqualTo("Never");

    kubelet.crash(NS, "oneshot", "server", 2);

    await().until(() -> runtime.observe(oneShot).process("server").orElseThrow().phase() == Phase.Exited);
    assertThat(runtime.observe(oneShot).process("server").orElseThrow().lastExit().code()).isEqualTo(2);
    assertThat(runtime.plannedProbes(oneShot, runtime.observe(oneShot))).as("its process is down").isEmpty();
  }

  @Test
  void restartWaitsForAGracefulOldPodThenCreatesTheNewOneByItself() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    // A finalizer keeps the old pod terminating, as kubelet does during the grace period.
    client.pods().inNamespace(NS).withName("foundry").edit(p -> new PodBuilder(p).editMetadata()
        .addToFinalizers("test.hero.ourworld.tf/hold").endMetadata().build());
    String oldUid = pod("foundry").getMetadata().getUid();

    runtime.restart(s, Set.of());

    await().until(() -> runtime.observe(s).processes().stream().allMatch(p -> p.phase() == Phase.Stopping));
    runtime.start(s, Set.of());   // harmless while the old pod terminates
    assertThat(podsOf("foundry")).singleElement().satisfies(p -> assertThat(p.getMetadata().getUid()).isEqualTo(oldUid));

    client.pods().inNamespace(NS).withName("foundry").edit(p -> new PodBuilder(p).editMetadata()
        .withFinalizers(List.of()).endMetadata().build());

    await().until(() -> {
      Pod p = pod("foundry");
      return p != null && !p.getMetadata().getUid().equals(oldUid);
    });
    awaitRunning(s);
    assertThat(pod("foundry").getMetadata().getAnnotations()).containsEntry(PodTemplate.ANNOTATION_REPLACEMENTS, "1");
  }

  @Test
  void stopDeletesThePodAndIsTrueOnceItIsGone() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    client.pods().inNamespace(NS).withName("foundry").edit(p -> new PodBuilder(p).editMetadata()
        .addToFinalizers("test.hero.ourworld.tf/hold").endMetadata().build());

    assertThat(runtime.stop(s)).isFalse();
    await().until(() -> runtime.observe(s).processes().stream().allMatch(p -> p.phase() == Phase.Stopping));
    assertThat(runtime.stop(s)).as("still terminating").isFalse();

    client.pods().inNamespace(NS).withName("foundry").edit(p -> new PodBuilder(p).editMetadata()
        .withFinalizers(List.of()).endMetadata().build());

    await().until(() -> runtime.stop(s));
    assertThat(podsOf("foundry")).isEmpty();
    assertThat(runtime.observe(s).processes()).extracting(ProcessObservation::phase)
        .containsOnly(Phase.NotStarted);
    runtime.forget(s);
  }

  @Test
  void aNewRuntimeAdoptsTheExistingPod() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    runtime.restart(s, Set.of());
    await().until(() -> runtime.observe(s).processes().stream()
        .allMatch(p -> p.phase() == Phase.Running && p.runtimeRestarts() == 1));
    String uid = pod("foundry").getMetadata().getUid();
    runtime.close();

    runtime = newRuntime();   // an operator restart

    RuntimeObservation obs = runtime.observe(s);
    assertThat(obs.processes()).allSatisfy(p -> {
      assertThat(p.phase()).isEqualTo(Phase.Running);
      assertThat(p.runtimeRestarts()).as("replacements survive in the annotation").isEqualTo(1);
      assertThat(p.incarnation()).startsWith(uid);
    });
    runtime.start(s, Set.of());
    assertThat(podsOf("foundry")).singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getUid()).isEqualTo(uid));
    assertThat(runtime.needsReplacement(s, obs)).isFalse();
  }

  @Test
  void aStrayPodOfTheServiceIsDeleted() {
    ProcService s = service("foundry");
    runtime.start(s, Set.of());
    awaitRunning(s);
    // Left by an earlier naming scheme: same labels and owner, another name.
    Pod stray = PodTemplate.pod(s, 0);
    stray.getMetadata().setName("foundry-5d8f7c");
    client.pods().inNamespace(NS).resource(stray).create();

    await().until(() -> podsOf("foundry").size() == 1);
    assertThat(podsOf("foundry").get(0).getMetadata().getName()).isEqualTo("foundry");
  }

  @Test
  void someoneElsesPodWithTheNameIsReportedNotTaken() {
    ProcService s = service("foundry");
    client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("foundry")
        .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
        .endSpec().build()).create();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.start(s, Set.of()))
        .hasMessage("Pod hero/foundry already exists and is not managed by this ProcService: delete or rename it");
    assertThat(runtime.observe(s).processes()).extracting(ProcessObservation::phase).containsOnly(Phase.NotStarted);
  }
}
