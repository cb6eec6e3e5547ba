package tf.ourworld.hero.procservice.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import tf.ourworld.hero.procservice.status.StatusInputs.RecoveryView;

/** Every row of DESIGN.md's state table, and its condition mapping. */
class StatusCalculatorTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(30);
  final StatusCalculator calc = new StatusCalculator();

  /** A two-process service (server, ui) with a critical probe rpc and a non-critical probe ui. */
  static ProcServiceSpec spec() {
    ProcServiceSpec s = new ProcServiceSpec();
    s.setRuntime(RuntimeKind.Process);
    s.setProcesses(List.of(process("server"), process("ui")));
    s.setProbes(List.of(probe("rpc", "server", true), probe("ui", "ui", false)));
    return s;
  }

  static ProcessSpec process(String name) {
    ProcessSpec p = new ProcessSpec();
    p.setName(name);
    p.setCommand(List.of("/bin/" + name));
    return p;
  }

  static ProbeSpec probe(String name, String process, boolean critical) {
    ProbeSpec p = new ProbeSpec();
    p.setName(name);
    p.setProcess(process);
    p.setCritical(critical);
    HttpGetAction h = new HttpGetAction();
    h.setUnixSocket(name + ".sock");
    p.setHttpGet(h);
    return p;
  }

  static ProcessObservation running(String name) {
    return new ProcessObservation(name, Phase.Running, 100L, null, null, T0, name + "-1", 0, null, false);
  }

  static ProcessObservation exited(String name, int code, String signal) {
    return new ProcessObservation(name, Phase.Exited, null, null, null, T0, name + "-1", 1,
        new Exit(code, signal, T0, null), false);
  }

  static ProbeState ok(String key) {
    return new ProbeState(ProbeKey.parse(key), ProbeResult.Success, 0, null, T0, 3);
  }

  static ProbeState failing(String key, String error) {
    return new ProbeState(ProbeKey.parse(key), ProbeResult.Failure, 3, error, T0, 3);
  }

  static ProbeState unknown(String key) {
    return ProbeState.unknown(ProbeKey.parse(key));
  }

  static StatusInputs in(ProcServiceSpec spec, List<SpecProblem> problems, RuntimeObservation obs,
      Map<ProbeKey, ProbeState> probes, RecoveryView rec, ProcServiceStatus prev) {
    return at(spec, prev, problems, obs, probes, rec, T1, 3);
  }

  /** Inputs as the reconciler makes them: the findings of the runtime's rules over the observation. */
  static StatusInputs at(ProcServiceSpec spec, ProcServiceStatus prev, List<SpecProblem> problems,
      RuntimeObservation obs, Map<ProbeKey, ProbeState> probes, RecoveryView rec, Instant now, long generation) {
    ProcServiceSpec s = SpecDefaults.apply(spec);
    UnitRules rules = s.getRuntime() == RuntimeKind.Track ? UnitRules.TRACKED_PODS : UnitRules.DECLARED_PROCESSES;
    return new StatusInputs(s, generation, prev, problems, FindingsCollector.collect(s, rules, obs, probes), rec, false,
        null, null, now);
  }

  static RuntimeObservation both() {
    return RuntimeObservation.ofProcesses(List.of(running("server"), running("ui")));
  }

  static ProcServiceSpec suspended() {
    ProcServiceSpec s = spec();
    s.setSuspend(true);
    return s;
  }

  static ProcServiceSpec track() {
    ProcServiceSpec s = new ProcServiceSpec();
    s.setRuntime(RuntimeKind.Track);
    s.setSelector(new LabelSelector(null, Map.of("app", "web")));
    ProbeSpec p = probe("http", null, true);
    p.getHttpGet().setUnixSocket(null);
    s.setProbes(List.of(p));
    return s;
  }

  static ProcServiceSpec neverRestart() {
    ProcServiceSpec s = spec();
    s.getProcesses().forEach(p -> p.setRestartPolicy(RestartPolicy.Never));
    return s;
  }

  static Map<ProbeKey, ProbeState> probes(ProbeState... states) {
    Map<ProbeKey, ProbeState> m = new HashMap<>();
    for (ProbeState s : states) {
      m.put(s.key(), s);
    }
    return m;
  }

  static final RecoveryView NONE = RecoveryView.none();
  static final RecoveryView BACKOFF = new RecoveryView(T1.plusSeconds(2), false, 0, 0, 0);
  static final RecoveryView LIMIT = new RecoveryView(null, true, 5, 600, 0);

  /** name, inputs, state, reason, Ready, Degraded, Reconciling, Stalled, message fragment. */
  static Stream<Arguments> table() {
    return Stream.of(
        arguments("starting: nothing launched yet", in(spec(), List.of(), RuntimeObservation.ofProcesses(
            List.of(ProcessObservation.notStarted("server"), ProcessObservation.notStarted("ui"))), Map.of(), NONE, null),
            ServiceState.Starting, "Starting", false, false, true, false, "Starting processes"),
        arguments("starting: probes not yet passed", in(spec(), List.of(), both(),
            probes(unknown("rpc"), ok("ui")), NONE, null),
            ServiceState.Starting, "ProbesPending", false, false, true, false, "1/2"),
        arguments("running: every process up, every probe passing", in(spec(), List.of(), both(),
            probes(ok("rpc"), ok("ui")), NONE, null),
            ServiceState.Running, "AllProbesPassing", true, false, false, false, "2/2 probes passing"),
        arguments("degraded: critical probe failing (seed incident 2)", in(spec(), List.of(), both(),
            probes(failing("rpc", "empty reply"), ok("ui")), NONE, null),
            ServiceState.Degraded, "ProbeFailed", false, true, false, false, "probe rpc failed 3 times: empty reply"),
        arguments("degraded: critical probe failing, restart pending", in(spec(), List.of(), both(),
            probes(failing("rpc", "empty reply"), ok("ui")), BACKOFF, null),
            ServiceState.Degraded, "ProbeFailed", false, true, true, false, "empty reply"),
        arguments("degraded: non-critical probe failing keeps Ready", in(spec(), List.of(), both(),
            probes(ok("rpc"), failing("ui", "HTTP 503")), NONE, null),
            ServiceState.Degraded, "ProbeFailed", true, true, false, false, "probe ui failed 3 times: HTTP 503 (not critical)"),
        arguments("degraded: a process died (seed incident 1)", in(spec(), List.of(),
            RuntimeObservation.ofProcesses(List.of(running("server"), exited("ui", 137, "SIGKILL"))),
            probes(ok("rpc")), BACKOFF, null),
            ServiceState.Degraded, "ProcessExited", false, true, true, false, "process ui exited with code 137 (SIGKILL)"),
        arguments("stopped: suspended", in(suspended(), List.of(), RuntimeObservation.ofProcesses(
            List.of(ProcessObservation.notStarted("server"), ProcessObservation.notStarted("ui"))), Map.of(), NONE, null),
            ServiceState.Stopped, "Suspended", true, false, false, false, "Suspended"),
        arguments("stopped: suspending, still stopping", in(suspended(), List.of(), both(), Map.of(), NONE, null),
            ServiceState.Stopped, "Stopping", false, false, true, false, "stopping"),
        arguments("stopped: no pods to track", in(track(), List.of(), RuntimeObservation.ofPods(List.of()),
            Map.of(), NONE, null),
            ServiceState.Stopped, "NoPods", false, false, false, false, "No pods"),
        arguments("stopped: all exited, restartPolicy Never", in(neverRestart(), List.of(), RuntimeObservation.ofProcesses(
            List.of(exited("server", 0, null), exited("ui", 0, null))), Map.of(), NONE, null),
            ServiceState.Stopped, "Completed", false, false, false, false, "exited"),
        arguments("failed: invalid spec", in(spec(), List.of(SpecProblem.invalid(
            "spec.probes[1]: exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set")), RuntimeObservation.empty(),
            Map.of(), NONE, null),
            ServiceState.Failed, "InvalidSpec", false, false, false, true, "spec.probes[1]: exactly one"),
        arguments("failed: restart limit, still alive", in(spec(), List.of(), both(),
            probes(failing("rpc", "empty reply"), ok("ui")), LIMIT, null),
            ServiceState.Failed, "RestartLimitExceeded", false, true, false, true, "Restarted 5 times within 600s"),
        arguments("failed: runtime unavailable", in(spec(), List.of(new SpecProblem(Reason.RuntimeUnavailable,
            "runtime Process is disabled on this operator")), RuntimeObservation.empty(), Map.of(), NONE, null),
            ServiceState.Failed, "RuntimeUnavailable", false, false, false, true, "disabled"),
        arguments("track: all pods pass", in(track(), List.of(), RuntimeObservation.ofPods(List.of(
            new TrackedPod("a", "10.0.0.1", "Running", true, "u1"), new TrackedPod("b", "10.0.0.2", "Running", true, "u2"))),
            probes(ok("http@a"), ok("http@b")), NONE, null),
            ServiceState.Running, "AllProbesPassing", true, false, false, false, "2/2"),
        arguments("track: one pod failing is named", in(track(), List.of(), RuntimeObservation.ofPods(List.of(
            new TrackedPod("a", "10.0.0.1", "Running", true, "u1"), new TrackedPod("b", "10.0.0.2", "Running", true, "u2"))),
            probes(ok("http@a"), failing("http@b", "HTTP 500")), NONE, null),
            ServiceState.Degraded, "ProbeFailed", false, true, false, false, "pod b: probe http failed 3 times: HTTP 500"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void stateTable(String name, StatusInputs in, ServiceState state, String reason, boolean ready, boolean degraded,
      boolean reconciling, boolean stalled, String message) {
    ProcServiceStatus s = calc.compute(in);
    assertThat(s.getState()).isEqualTo(state);
    assertThat(s.getReason()).isEqualTo(reason);
    assertThat(s.getMessage()).contains(message);
    assertThat(cond(s, Conditions.READY)).isEqualTo(ready);
    assertThat(cond(s, Conditions.DEGRADED)).isEqualTo(degraded);
    assertThat(cond(s, Conditions.RECONCILING)).isEqualTo(reconciling);
    assertThat(cond(s, Conditions.STALLED)).isEqualTo(stalled);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
      assertThat(c.getReason()).matches("[A-Z][A-Za-z]*");
    });
  }

  @Test
  void sameInputsGiveAnIdenticalStatus() {
    ProcServiceStatus first = calc.compute(in(spec(), List.of(), both(), probes(ok("rpc"), ok("ui")), NONE, null));
    StatusInputs later = at(spec(), first, List.of(), both(), probes(ok("rpc"), ok("ui")), NONE, T1.plusSeconds(3600), 3);
    assertThat(StatusDiff.same(first, calc.compute(later))).isTrue();
  }

  @Test
  void lastTransitionTimeKeptUnlessTheConditionFlips() {
    ProcServiceStatus running = calc.compute(in(spec(), List.of(), both(), probes(ok("rpc"), ok("ui")), NONE, null));
    Instant t2 = T1.plusSeconds(100);
    ProcServiceStatus degraded = calc.compute(at(spec(), running, List.of(), both(),
        probes(failing("rpc", "empty reply"), ok("ui")), NONE, t2, 3));
    assertThat(find(degraded, Conditions.READY).getLastTransitionTime()).isEqualTo(Timestamps.format(t2));
    assertThat(find(degraded, Conditions.STALLED).getLastTransitionTime()).isEqualTo(Timestamps.format(T1));
    assertThat(degraded.getLastTransitionTime()).isEqualTo(Timestamps.format(t2));
    // the message changes but Ready stays False: its lastTransitionTime stays
    ProcServiceStatus again = calc.compute(at(spec(), degraded, List.of(), both(),
        probes(failing("rpc", "timed out after 1s"), ok("ui")), NONE, t2.plusSeconds(50), 4));
    assertThat(find(again, Conditions.READY).getLastTransitionTime()).isEqualTo(Timestamps.format(t2));
    assertThat(find(again, Conditions.READY).getObservedGeneration()).isEqualTo(4L);
    assertThat(again.getLastTransitionTime()).isEqualTo(Timestamps.format(t2));
  }

  @Test
  void processAndProbeEntries() {
    ProcServiceStatus s = calc.compute(in(spec(), List.of(),
        RuntimeObservation.ofProcesses(List.of(running("server"), exited("ui", 137, "SIGKILL"))),
        probes(failing("rpc", "empty reply")), BACKOFF, null));
    assertThat(s.getProcesses()).extracting(p -> p.getName() + "=" + p.getState()).containsExactly("server=Running", "ui=BackOff");
    assertThat(s.getProcesses().get(1).getLastExit().getSignal()).isEqualTo("SIGKILL");
    assertThat(s.getProbes()).extracting(p -> p.getName() + "=" + p.getResult()).containsExactly("rpc=Failure", "ui=Unknown");
    assertThat(s.getProbes().get(1).getLastError()).isEqualTo("not probed: process ui is not running");
    assertThat(s.getProbesReady()).isEqualTo("0/2");
    assertThat(s.getRestarts()).isEqualTo(1);
    assertThat(s.getNextRestartTime()).isEqualTo(Timestamps.format(T1.plusSeconds(2)));
  }

  static boolean cond(ProcServiceStatus s, String type) {
    return "True".equals(find(s, type).getStatus());
  }

  static Condition find(ProcServiceStatus s, String type) {
    return Conditions.find(s.getConditions(), type);
  }
}
