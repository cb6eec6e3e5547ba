package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.runtime.DisabledRuntime;
import tf.ourworld.hero.procservice.testing.FakeRuntime;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;
import tf.ourworld.hero.procservice.testing.ScriptedProbes;

/** recovery.escalateAfterSeconds through the reconciler: Degraded and a Warning first, a restart only later. */
class EscalationIT {
  static final String NS = "default";
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  final MockApi api = new MockApi();
  final KubernetesClient client = api.client();
  final FakeRuntime processes = new FakeRuntime(RuntimeKind.Process);
  final AtomicReference<ScriptedProbes> probes = new AtomicReference<>();
  final MovableClock clock = new MovableClock(T0);
  OperatorApp app;

  @BeforeEach
  void start() {
    app = OperatorApp.builder(client, OperatorConfig.defaults().withHttpPort(-1))
        .clock(clock)
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

  ProcService create(String name) {
    ProcService ps = ProcServiceFixture.named(name).in(NS).runtime(RuntimeKind.Process)
        .process("server", "/bin/sleep", "1000").httpProbe("rpc", "server", 8080, "/health")
        .recovery(RecoveryAction.Restart).backoff(0, 1).build();
    ps.getSpec().getRecovery().setEscalateAfterSeconds(60);
    return client.resource(ps).create();
  }

  ProcServiceStatus status(String name) {
    ProcService ps = client.resources(ProcService.class).inNamespace(NS).withName(name).get();
    return ps == null ? null : ps.getStatus();
  }

  List<String> warnings() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType())).map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  void runningThenFailing(String name) {
    ResourceID id = new ResourceID(name, NS);
    await().atMost(Duration.ofSeconds(20)).until(() -> probes.get().states(id).size() == 1);
    probes.get().set(id, "rpc", ProbeResult.Success, 0, null, T0);
    await().atMost(Duration.ofSeconds(20)).until(() -> status(name) != null && status(name).getState() == ServiceState.Running);
    probes.get().set(id, "rpc", ProbeResult.Failure, 3, "GET http://127.0.0.1:8080/health: HTTP 503", T0);
    await().atMost(Duration.ofSeconds(20)).until(() -> status(name).getState() == ServiceState.Degraded);
  }

  @Test
  void warnsFirstThenRestartsWhenStillFailing() {
    create("slow");
    runningThenFailing("slow");
    ProcServiceStatus degraded = status("slow");
    assertThat(degraded.getReason()).isEqualTo("ProbeFailed");
    assertThat(degraded.getMessage()).contains("probe rpc failed 3 times: GET http://127.0.0.1:8080/health: HTTP 503");
    assertThat(degraded.getNextRestartTime()).isEqualTo("2026-12-01T10:01:00Z");
    await().atMost(Duration.ofSeconds(20)).until(() -> warnings().stream().anyMatch(w -> w.startsWith("ProbeFailed: ")));
    assertThat(processes.restarts.get()).isZero();

    clock.advance(Duration.ofSeconds(61));
    // the same verdict again, as a probe run would report it: a reconcile at the new time
    probes.get().set(new ResourceID("slow", NS), "rpc", ProbeResult.Failure, 3,
        "GET http://127.0.0.1:8080/health: HTTP 503", T0);
    // (the scripted verdict does not start over with the new process as a real probe would: so >= 1)
    await().atMost(Duration.ofSeconds(20)).until(() -> processes.restarts.get() >= 1);
  }

  @Test
  void recoveringWithinTheWindowRestartsNothing() {
    create("blip");
    runningThenFailing("blip");
    assertThat(status("blip").getNextRestartTime()).isEqualTo("2026-12-01T10:01:00Z");
    clock.advance(Duration.ofSeconds(30));
    probes.get().set(new ResourceID("blip", NS), "rpc", ProbeResult.Success, 0, null, T0.plusSeconds(30));
    await().atMost(Duration.ofSeconds(20)).until(() -> status("blip").getState() == ServiceState.Running);
    assertThat(status("blip").getNextRestartTime()).isNull();
    clock.advance(Duration.ofSeconds(60));
    probes.get().set(new ResourceID("blip", NS), "rpc", ProbeResult.Success, 0, null, T0.plusSeconds(30));
    assertThat(processes.restarts.get()).isZero();
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
