package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.runtime.DisabledRuntime;
import tf.ourworld.hero.procservice.status.Conditions;
import tf.ourworld.hero.procservice.testing.FakeRuntime;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.ScriptedProbes;

/** The reconciler against the CRUD mock API: status follows the world, and is written only on change. */
class ReconcilerIT {
  static final String NS = "default";
  MockApi api;
  KubernetesClient client;
  OperatorApp app;
  FakeRuntime processes = new FakeRuntime(RuntimeKind.Process);
  AtomicReference<ScriptedProbes> probes = new AtomicReference<>();

  @BeforeEach
  void start() {
    api = new MockApi();
    client = api.client();
    app = OperatorApp.builder(client, OperatorConfig.defaults().withHttpPort(-1))
        .runtime(processes)
        .runtime(new DisabledRuntime(RuntimeKind.Pod, "runtime Pod is disabled on this operator"))
        .runtime(new DisabledRuntime(RuntimeKind.Track, "runtime Track is disabled on this operator"))
        .probeRunner(l -> {
          probes.set(new ScriptedProbes(l));
          return probes.get();
        })
        .start();
  }

  @AfterEach
  void stop() {
    app.close();
    api.close();
  }

  static ProcService service(String name, RuntimeKind runtime) {
    return ProcServiceFixture.named(name).in(NS).runtime(runtime)
        .process("server", "/bin/sleep", "1000").image("example.org/hero_foundry:1.4")
        .httpProbe("rpc", "server", 8080, "/health").build();
  }

  ProcService get(String name) {
    return client.resources(ProcService.class).inNamespace(NS).withName(name).get();
  }

  ServiceState state(String name) {
    ProcService ps = get(name);
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  /** A runtime call that throws reaches status with its message, is retried, and clears once it works. */
  @Test
  void aFailingRuntimeCallIsARuntimeErrorInStatusUntilItWorks() {
    processes.failStart.set(new IllegalStateException("cannot write state.json: Read-only file system"));
    client.resource(service("broken", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("broken").getStatus() != null
        && "RuntimeError".equals(get("broken").getStatus().getReason()));
    ProcServiceStatus failed = get("broken").getStatus();
    assertThat(failed.getState()).isEqualTo(ServiceState.Degraded);
    assertThat(failed.getMessage()).isEqualTo("Runtime error: cannot write state.json: Read-only file system");

    processes.failStart.set(null);
    await().atMost(Duration.ofSeconds(30)).until(() -> "ProbesPending".equals(get("broken").getStatus().getReason()));
    assertThat(processes.starts.get()).isEqualTo(1);
  }

  @Test
  void createdServiceStartsThenRunsWhenProbesPass() {
    client.resource(service("hero-foundry", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("hero-foundry") == ServiceState.Starting);
    assertThat(processes.starts.get()).isEqualTo(1);
    assertThat(get("hero-foundry").getStatus().getReason()).isEqualTo("ProbesPending");

    probes.get().set(new ResourceID("hero-foundry", NS), "rpc", ProbeResult.Success, 0, null);
    await().atMost(Duration.ofSeconds(20)).until(() -> state("hero-foundry") == ServiceState.Running);
    ProcService ps = get("hero-foundry");
    assertThat(ps.getStatus().getProbesReady()).isEqualTo("1/1");
    assertThat(Conditions.find(ps.getStatus().getConditions(), Conditions.READY).getStatus())
        .as(io.fabric8.kubernetes.client.utils.Serialization.asYaml(ps.getStatus())).isEqualTo("True");
    assertThat(ps.getStatus().getObservedGeneration()).isEqualTo(ps.getMetadata().getGeneration());
  }

  @Test
  void invalidServiceFailsWithTheFieldNamedAndTouchesNoWorkload() {
    ProcService bad = service("bad", RuntimeKind.Process);
    bad.getSpec().getProbes().get(0).setTcpSocket(new tf.ourworld.hero.procservice.model.TcpSocketAction());
    client.resource(bad).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("bad") == ServiceState.Failed);
    ProcService ps = get("bad");
    assertThat(ps.getStatus().getReason()).isEqualTo("InvalidSpec");
    assertThat(ps.getStatus().getMessage())
        .startsWith("spec.probes[0]: exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set");
    assertThat(Conditions.find(ps.getStatus().getConditions(), Conditions.STALLED).getStatus()).isEqualTo("True");
    assertThat(processes.starts.get()).isZero();
    long writes = api.statusWrites("bad");
    // a further event (a label change) reconciles again: nothing new is written, nothing started
    client.resources(ProcService.class).inNamespace(NS).withName("bad").edit(p -> {
      p.getMetadata().setLabels(java.util.Map.of("touched", "yes"));
      return p;
    });
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> get("bad").getMetadata().getLabels() != null);
    assertThat(api.statusWrites("bad")).isEqualTo(writes);
    assertThat(processes.starts.get()).isZero();
  }

  @Test
  void runtimeNotAvailableSaysWhichAndHow() {
    client.resource(service("on-pod", RuntimeKind.Pod)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("on-pod") == ServiceState.Failed);
    assertThat(get("on-pod").getStatus().getReason()).isEqualTo("RuntimeUnavailable");
    assertThat(get("on-pod").getStatus().getMessage()).contains("runtime Pod");
  }

  @Test
  void specChangeIsFollowedByObservedGeneration() {
    client.resource(service("gen", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> get("gen").getStatus() != null
        && get("gen").getStatus().getObservedGeneration() == 1L);
    client.resources(ProcService.class).inNamespace(NS).withName("gen").edit(p -> {
      p.getSpec().getProbes().get(0).setPeriodSeconds(5);
      return p;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> get("gen").getMetadata().getGeneration() == 2L
        && get("gen").getStatus().getObservedGeneration() == 2L);
  }

  @Test
  void reconcilingAnUnchangedServiceWritesNothing() {
    client.resource(service("steady", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("steady") == ServiceState.Starting);
    probes.get().set(new ResourceID("steady", NS), "rpc", ProbeResult.Success, 0, null);
    await().atMost(Duration.ofSeconds(20)).until(() -> state("steady") == ServiceState.Running);
    long writes = api.statusWrites("steady");
    // re-trigger reconciles several ways: a label change, and the probe listener firing with no change
    for (int i = 0; i < 3; i++) {
      int n = i;
      client.resources(ProcService.class).inNamespace(NS).withName("steady").edit(p -> {
        p.getMetadata().setLabels(java.util.Map.of("round", "r" + n));
        return p;
      });
      probes.get().set(new ResourceID("steady", NS), "rpc", ProbeResult.Success, 0, null);
    }
    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> "r2".equals(get("steady").getMetadata().getLabels().get("round")));
    assertThat(api.statusWrites("steady")).isEqualTo(writes);
  }

  @Test
  void processExitIsRestartedAndCounted() {
    ProcService ps = client.resource(service("crashy", RuntimeKind.Process)).create();
    probes.get().set(new ResourceID("crashy", NS), "rpc", ProbeResult.Success, 0, null);
    await().atMost(Duration.ofSeconds(20)).until(() -> state("crashy") == ServiceState.Running);
    processes.exit(get("crashy"), "server", 137);
    await().atMost(Duration.ofSeconds(20)).until(() -> processes.restarts.get() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> state("crashy") == ServiceState.Running);
  }

  @Test
  void probeNowAnnotationRunsProbesOnce() {
    client.resource(service("now", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("now") != null);
    client.resources(ProcService.class).inNamespace(NS).withName("now").edit(p -> {
      p.getMetadata().setAnnotations(java.util.Map.of(ProcService.ANNOTATION_PROBE_NOW, "1"));
      return p;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> get("now").getStatus().getHandled() != null
        && "1".equals(get("now").getStatus().getHandled().getProbeNow()));
    assertThat(probes.get().runNowCalls).isEqualTo(1);
  }

  @Test
  void restartAnnotationRestartsOnceAtOnceAndIsRecorded() {
    client.resource(service("manual", RuntimeKind.Process)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> state("manual") != null);
    int before = processes.restarts.get();
    client.resources(ProcService.class).inNamespace(NS).withName("manual").edit(p -> {
      p.getMetadata().setAnnotations(java.util.Map.of(ProcService.ANNOTATION_RESTART, "r1;server"));
      return p;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> get("manual").getStatus().getHandled() != null
        && "r1;server".equals(get("manual").getStatus().getHandled().getRestart()));
    assertThat(processes.restarts.get()).isEqualTo(before + 1);

    // a value naming none of its processes is recorded and restarts nothing
    client.resources(ProcService.class).inNamespace(NS).withName("manual").edit(p -> {
      p.getMetadata().setAnnotations(java.util.Map.of(ProcService.ANNOTATION_RESTART, "r2;nope"));
      return p;
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> "r2;nope".equals(get("manual").getStatus().getHandled().getRestart()));
    assertThat(processes.restarts.get()).isEqualTo(before + 1);
  }
}
