package tf.ourworld.hero.procservice.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.validation.SpecDefaults;

class RecoveryPlannerTest {
  final RecoveryPlanner planner = new RecoveryPlanner();
  static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  static ProcServiceSpec spec(RecoveryAction action, RestartPolicy policy) {
    ProcServiceSpec s = new ProcServiceSpec();
    s.setRuntime(RuntimeKind.Process);
    ProcessSpec a = new ProcessSpec();
    a.setName("server");
    a.setRestartPolicy(policy);
    ProcessSpec b = new ProcessSpec();
    b.setName("ui");
    b.setRestartPolicy(policy);
    s.setProcesses(List.of(a, b));
    ProbeSpec p = new ProbeSpec();
    p.setName("rpc");
    p.setProcess("server");
    p.setHttpGet(new HttpGetAction());
    ProbeSpec all = new ProbeSpec();
    all.setName("all");
    all.setHttpGet(new HttpGetAction());
    s.setProbes(List.of(p, all));
    if (action != null) {
      RecoverySpec r = new RecoverySpec();
      r.setAction(action);
      s.setRecovery(r);
    }
    return s;
  }

  static ProcessObservation running(String n, String inc) {
    return new ProcessObservation(n, Phase.Running, 1L, null, null, T, inc, 0, null, false);
  }

  static ProcessObservation exited(String n, int code) {
    return new ProcessObservation(n, Phase.Exited, null, null, null, T, n, 0, new Exit(code, null, T, null), false);
  }

  static ProbeState failed(String key) {
    return new ProbeState(ProbeKey.parse(key), ProbeResult.Failure, 3, "empty reply", T, 1);
  }

  /** The planner on the findings the reconciler would work out from these. */
  RecoveryNeeds needs(ProcServiceSpec spec, RuntimeObservation obs, Map<String, ProbeState> probes,
      Map<String, String> restarted) {
    Map<ProbeKey, ProbeState> states = new HashMap<>();
    probes.forEach((k, v) -> states.put(ProbeKey.parse(k), v));
    ProcServiceSpec s = SpecDefaults.apply(spec);
    UnitRules rules = s.getRuntime() == RuntimeKind.Track ? UnitRules.TRACKED_PODS : UnitRules.DECLARED_PROCESSES;
    return planner.needs(s, FindingsCollector.collect(s, rules, obs, states), restarted);
  }

  static Stream<Arguments> escalation() {
    // the probe failed at T; escalateAfterSeconds 60 (null: off); action; planned at T + seconds
    return Stream.of(
        Arguments.of(null, RecoveryAction.Restart, 0, Set.of("server"), null),
        Arguments.of(60, RecoveryAction.Restart, 0, Set.of(), T.plusSeconds(60)),
        Arguments.of(60, RecoveryAction.Restart, 59, Set.of(), T.plusSeconds(60)),
        Arguments.of(60, RecoveryAction.Restart, 60, Set.of("server"), null),
        Arguments.of(60, RecoveryAction.Restart, 600, Set.of("server"), null),
        Arguments.of(60, RecoveryAction.Warn, 0, Set.of(), null));
  }

  @ParameterizedTest(name = "escalateAfter {0}, {1}, at T+{2}s -> restart {3}, due {4}")
  @MethodSource("escalation")
  void escalateAfterSecondsWarnsFirstThenRestarts(Integer escalate, RecoveryAction action, int after,
      Set<String> restart, Instant due) {
    ProcServiceSpec spec = spec(action, RestartPolicy.Always);
    spec.setProbes(List.of(spec.getProbes().get(0))); // rpc, on server
    spec.getRecovery().setEscalateAfterSeconds(escalate);
    ProcServiceSpec s = SpecDefaults.apply(spec);
    var findings = FindingsCollector.collect(s, UnitRules.DECLARED_PROCESSES, RuntimeObservation.ofProcesses(
        List.of(running("server", "s1"), running("ui", "u1"))), Map.of(ProbeKey.of("rpc"), failed("rpc")));
    RecoveryNeeds n = planner.needs(s, findings, Map.of(), T.plusSeconds(after));
    assertThat(n.restart()).isEqualTo(restart);
    assertThat(n.escalationDue()).isEqualTo(due);
    assertThat(findings.probe(ProbeKey.of("rpc")).orElseThrow().escalatesAt())
        .isEqualTo(escalate != null && action == RecoveryAction.Restart ? T.plusSeconds(escalate) : null);
  }

  @Test
  void aNonCriticalProbeNeverEscalates() {
    ProcServiceSpec spec = spec(RecoveryAction.Restart, RestartPolicy.Always);
    spec.getRecovery().setEscalateAfterSeconds(60);
    spec.getProbes().forEach(p -> p.setCritical(false));
    ProcServiceSpec s = SpecDefaults.apply(spec);
    var findings = FindingsCollector.collect(s, UnitRules.DECLARED_PROCESSES, RuntimeObservation.ofProcesses(
        List.of(running("server", "s1"), running("ui", "u1"))), Map.of(ProbeKey.of("rpc"), failed("rpc")));
    RecoveryNeeds n = planner.needs(s, findings, Map.of(), T.plusSeconds(120));
    assertThat(n.restart()).isEmpty();
    assertThat(n.escalationDue()).isNull();
  }

  @Test
  void aDeadProcessIsRestartedAtOnceWhateverTheEscalation() {
    ProcServiceSpec spec = spec(RecoveryAction.Restart, RestartPolicy.Always);
    spec.getRecovery().setEscalateAfterSeconds(60);
    RecoveryNeeds n = needs(spec, RuntimeObservation.ofProcesses(List.of(running("server", "s1"), exited("ui", 1))),
        Map.of(), Map.of());
    assertThat(n.restart()).containsExactly("ui");
  }

  @Test
  void neverStartedProcessesAreStartedNotRestarted() {
    RecoveryNeeds n = needs(spec(null, RestartPolicy.Always), RuntimeObservation.ofProcesses(List.of(
        ProcessObservation.notStarted("server"), running("ui", "u1"))), Map.of(), Map.of());
    assertThat(n.start()).containsExactly("server");
    assertThat(n.restart()).isEmpty();
  }

  @Test
  void restartPolicyDecidesAboutExits() {
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(exited("server", 0), exited("ui", 1)));
    assertThat(needs(spec(null, RestartPolicy.Always), obs, Map.of(), Map.of()).restart())
        .containsExactlyInAnyOrder("server", "ui");
    assertThat(needs(spec(null, RestartPolicy.OnFailure), obs, Map.of(), Map.of()).restart())
        .containsExactly("ui");
    assertThat(needs(spec(null, RestartPolicy.Never), obs, Map.of(), Map.of()).restart()).isEmpty();
    assertThat(needs(spec(null, RestartPolicy.Always), obs, Map.of(), Map.of()).why())
        .contains("process ui exited with code 1");
  }

  @Test
  void failedCriticalProbeRestartsItsProcessOnlyWithRestart() {
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(running("server", "s1"), running("ui", "u1")));
    Map<String, ProbeState> probes = Map.of("rpc", failed("rpc"));
    RecoveryNeeds n = needs(spec(RecoveryAction.Restart, RestartPolicy.Always), obs, probes, Map.of());
    assertThat(n.restart()).containsExactly("server");
    assertThat(n.why()).isEqualTo("probe rpc failed 3 times: empty reply");
    assertThat(needs(spec(RecoveryAction.Warn, RestartPolicy.Always), obs, probes, Map.of()).restart()).isEmpty();
    // already restarted this incarnation: the verdict is stale
    assertThat(needs(spec(RecoveryAction.Restart, RestartPolicy.Always), obs, probes, Map.of("server", "s1"))
        .restart()).isEmpty();
  }

  @Test
  void probeWithoutProcessRestartsEveryProcess() {
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(running("server", "s1"), running("ui", "u1")));
    assertThat(needs(spec(null, RestartPolicy.Always), obs, Map.of("all", failed("all")), Map.of()).restart())
        .containsExactlyInAnyOrder("server", "ui");
  }

  @Test
  void nonCriticalProbeNeverRestarts() {
    ProcServiceSpec s = spec(RecoveryAction.Restart, RestartPolicy.Always);
    s.getProbes().get(0).setCritical(false);
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(running("server", "s1"), running("ui", "u1")));
    assertThat(needs(s, obs, Map.of("rpc", failed("rpc")), Map.of()).restart()).isEmpty();
  }

  @Test
  void trackRestartsOneFailingPodAtATimeAndOnlyWhenAskedTo() {
    ProcServiceSpec s = new ProcServiceSpec();
    s.setRuntime(RuntimeKind.Track);
    s.setSelector(new LabelSelector(null, Map.of("app", "web")));
    ProbeSpec p = new ProbeSpec();
    p.setName("http");
    p.setHttpGet(new HttpGetAction());
    s.setProbes(List.of(p));
    RuntimeObservation obs = RuntimeObservation.ofPods(List.of(new TrackedPod("a", "1", "Running", true, "u"),
        new TrackedPod("b", "2", "Running", true, "u"), new TrackedPod("c", "3", "Running", true, "u")));
    Map<String, ProbeState> probes = Map.of("http@b", failed("http@b"), "http@c", failed("http@c"));
    assertThat(needs(s, obs, probes, Map.of()).restart()).isEmpty(); // Warn is Track's default
    RecoverySpec r = new RecoverySpec();
    r.setAction(RecoveryAction.Restart);
    s.setRecovery(r);
    assertThat(needs(s, obs, probes, Map.of()).restart()).containsExactly("b");
  }
}
