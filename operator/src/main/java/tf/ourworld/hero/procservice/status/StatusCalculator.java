package tf.ourworld.hero.procservice.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.ProbeFinding;
import tf.ourworld.hero.procservice.findings.UnitFinding;
import tf.ourworld.hero.procservice.model.ExitStatus;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.RequestedRunStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * The status rules of DESIGN.md, as one pure function of the {@link Findings}: a chain of checks
 * where the first that applies decides state, reason and message; conditions follow from the
 * state. Same inputs, same status, so an unchanged service produces an identical status and
 * nothing is written.
 */
public final class StatusCalculator {

  /**
   * How long a restarted process of a service without probes must stay up before the service is
   * Running again (and Recovered is said): without a probe, staying up is the only sign a restart
   * held, so a crash loop never looks recovered.
   */
  public static final Duration RESTART_HOLD = Duration.ofSeconds(10);

  /** The verdict of the chain: state, reason, message, and whether Ready holds. */
  record Verdict(ServiceState state, Reason reason, String message, boolean ready, boolean reconciling) {
    Verdict(ServiceState state, String reason, String message, boolean ready, boolean reconciling) {
      this(state, Reason.of(reason), message, ready, reconciling);
    }
  }

  public ProcServiceStatus compute(StatusInputs in) {
    Findings f = in.findings();
    ProcServiceStatus s = new ProcServiceStatus();
    s.setObservedGeneration(in.generation());
    s.setHandled(in.handled());

    if (f.rules().declared()) {
      s.setProcesses(processStatuses(in));
      s.setProbes(probeStatuses(in));
    } else {
      s.setPods(podStatuses(in));
    }
    s.setProbesReady(f.probesReady());
    s.setRestarts(f.runtimeRestarts() + in.recovery().operatorRestarts());
    s.setNextRestartTime(in.problems().isEmpty() && !in.recovery().limitExceeded()
        ? Timestamps.format(in.recovery().nextRestartTime()) : null);
    s.setRestartTimes(Timestamps.formatAll(in.recovery().restartTimes()));

    Verdict v = verdict(in);
    String reason = v.reason().name();
    s.setState(v.state());
    s.setReason(reason);
    s.setMessage(v.message());
    ProcServiceStatus prev = in.previous();
    s.setLastTransitionTime(prev != null && prev.getState() == v.state() && prev.getLastTransitionTime() != null
        ? prev.getLastTransitionTime() : Timestamps.format(in.now()));

    boolean alive = !f.nothingAlive();
    boolean degraded = v.state() == ServiceState.Degraded || (v.state() == ServiceState.Failed && alive);
    List<Condition> old = prev == null ? List.of() : prev.getConditions();
    long g = in.generation();
    List<Condition> conds = new ArrayList<>();
    conds.add(Conditions.merge(old, Conditions.READY, v.ready(), reason, v.message(), g, in.now()));
    conds.add(Conditions.merge(old, Conditions.DEGRADED, degraded, degraded ? reason : Conditions.AS_EXPECTED,
        degraded ? v.message() : "Nothing is degraded", g, in.now()));
    conds.add(Conditions.merge(old, Conditions.RECONCILING, v.reconciling(),
        v.reconciling() ? reason : Conditions.AS_EXPECTED, v.reconciling() ? v.message() : "Nothing in progress",
        g, in.now()));
    boolean stalled = v.state() == ServiceState.Failed;
    conds.add(Conditions.merge(old, Conditions.STALLED, stalled, stalled ? reason : Conditions.AS_EXPECTED,
        stalled ? v.message() : "Not stalled", g, in.now()));
    s.setConditions(conds);
    return s;
  }

  /** The chain; the first rule that applies wins. */
  Verdict verdict(StatusInputs in) {
    if (!in.problems().isEmpty()) {
      SpecProblem p = in.problems().get(0);
      return new Verdict(ServiceState.Failed, p.reason(), p.message(), false, false);
    }
    if (in.recovery().limitExceeded()) {
      List<String> last = new ArrayList<>();
      in.findings().down().forEach(u -> last.add(u.description()));
      in.findings().failing(true).forEach(p -> last.add(p.description()));
      return new Verdict(ServiceState.Failed, Reason.RestartLimitExceeded,
          "Restarted " + in.recovery().windowRestarts() + " times within " + in.recovery().windowSeconds()
              + "s; giving up until the annotation hero.ourworld.tf/reset-failed is set to a new value"
              + (last.isEmpty() ? "" : "; last: " + join(last)),
          false, false);
    }
    if (Boolean.TRUE.equals(in.spec().getSuspend())) {
      if (in.stopping() || !in.findings().nothingAlive()) {
        return new Verdict(ServiceState.Stopped, Reason.Stopping, "Suspended: stopping processes", false, true);
      }
      return new Verdict(ServiceState.Stopped, Reason.Suspended, "Suspended: nothing is running", true, false);
    }
    if (in.stopping()) {
      // not suspended, yet stopping: spec.runtime changed, and the new runtime waits for the old one's units to go
      return new Verdict(ServiceState.Starting, Reason.Stopping,
          "spec.runtime changed: stopping what the previous runtime ran", false, true);
    }
    if (in.runtimeError() != null) {
      return new Verdict(ServiceState.Degraded, Reason.RuntimeError, in.runtimeError(), false, true);
    }
    return unitsVerdict(in);
  }

  private Verdict unitsVerdict(StatusInputs in) {
    Findings f = in.findings();
    boolean declared = f.rules().declared();
    boolean restartPending = in.recovery().nextRestartTime() != null;

    if (!declared && f.units().isEmpty()) {
      return new Verdict(ServiceState.Stopped, Reason.NoPods, "No pods match the selector", false, false);
    }
    if (!declared && f.inPhase(Phase.Running).isEmpty()) {
      return new Verdict(ServiceState.Starting, Reason.PodsNotRunning, "Waiting for pods to run: " + names(f.units()),
          false, true);
    }
    if (f.neverStarted()) {
      return new Verdict(ServiceState.Starting, Reason.Starting, "Starting processes", false, true);
    }
    List<String> problems = new ArrayList<>();
    List<UnitFinding> down = f.down();
    if (!down.isEmpty()) {
      boolean allDone = f.units().stream().noneMatch(u -> u.unit().alive())
          && down.stream().noneMatch(UnitFinding::restartable);
      if (allDone && !restartPending) {
        return new Verdict(ServiceState.Stopped, Reason.Completed,
            "All processes exited and their restartPolicy does not restart them", false, false);
      }
      down.forEach(u -> problems.add(u.description()));
    }
    // A discovered unit that is stopping or starting is its owner's business: it only delays the probes.
    List<UnitFinding> stopping = declared ? f.inPhase(Phase.Stopping) : List.of();
    f.failing(true).forEach(p -> problems.add(p.description()));
    if (!problems.isEmpty()) {
      return new Verdict(ServiceState.Degraded, !down.isEmpty() ? Reason.ProcessExited : Reason.ProbeFailed,
          join(problems), false, restartPending || !stopping.isEmpty() || in.recovery().restartInProgress());
    }
    if (!stopping.isEmpty()) {
      return new Verdict(ServiceState.Starting, Reason.Restarting, "Restarting " + names(stopping), false, true);
    }
    List<UnitFinding> starting = declared ? f.units().stream()
        .filter(u -> u.phase() == Phase.Starting || u.phase() == Phase.NotStarted).toList() : List.of();
    if (!starting.isEmpty()) {
      return new Verdict(ServiceState.Starting, Reason.Starting, "Starting " + names(starting), false, true);
    }
    Instant held = in.spec().getProbes().isEmpty() ? f.heldAt(in.now(), RESTART_HOLD) : null;
    if (held != null) {
      return new Verdict(ServiceState.Starting, Reason.Restarting, "Restarted; Running once every process has been up "
          + RESTART_HOLD.toSeconds() + "s (no probes declared)", false, true);
    }
    List<ProbeFinding> failedOther = f.failing(false);
    if (!failedOther.isEmpty()) {
      return new Verdict(ServiceState.Degraded, Reason.ProbeFailed,
          join(failedOther.stream().map(ProbeFinding::description).toList()) + " (not critical)",
          !f.criticalPending(), restartPending);
    }
    boolean unitsPending = f.inPhase(Phase.Running).size() < f.units().size();
    if (f.anyPending() || unitsPending) {
      return new Verdict(ServiceState.Starting, Reason.ProbesPending, "Waiting for probes: " + f.probesReady()
          + " passing", false, true);
    }
    int n = f.units().size();
    if (!declared) {
      return new Verdict(ServiceState.Running, Reason.AllProbesPassing,
          "All " + n + " tracked pods pass " + f.probesReady() + " probes", true, false);
    }
    return in.spec().getProbes().isEmpty()
        ? new Verdict(ServiceState.Running, Reason.ProcessesRunning,
            "All " + n + " processes running (no probes declared)", true, false)
        : new Verdict(ServiceState.Running, Reason.AllProbesPassing,
            "All " + n + " processes running, " + f.probesReady() + " probes passing", true, false);
  }

  private static String names(List<UnitFinding> units) {
    return units.stream().map(UnitFinding::name).collect(Collectors.joining(", "));
  }

  private static String join(List<String> parts) {
    return String.join("; ", parts);
  }

  private static List<ProcessStatus> processStatuses(StatusInputs in) {
    List<ProcessStatus> out = new ArrayList<>();
    for (UnitFinding u : in.findings().units()) {
      ProcessObservation o = u.unit();
      ProcessStatus ps = new ProcessStatus();
      ps.setName(o.name());
      ps.setState(processState(u, in));
      ps.setPid(o.pid());
      ps.setStartTime(Timestamps.format(o.startTime()));
      ps.setPod(o.pod());
      ps.setRestarts(o.runtimeRestarts());
      if (o.lastExit() != null) {
        ExitStatus e = new ExitStatus();
        e.setCode(o.lastExit().code());
        e.setSignal(o.lastExit().signal());
        e.setTime(Timestamps.format(o.lastExit().time()));
        e.setMessage(o.lastExit().message());
        ps.setLastExit(e);
      }
      out.add(ps);
    }
    return out;
  }

  private static String processState(UnitFinding u, StatusInputs in) {
    if (u.down() && in.recovery().nextRestartTime() != null) {
      return "BackOff";
    }
    return switch (u.phase()) {
      case NotStarted -> u.unit().lastExit() != null ? "Exited" : "NotStarted";
      case Starting -> "Starting";
      case Running -> "Running";
      case Stopping -> "Stopping";
      case Exited -> "Exited";
    };
  }

  private static List<ProbeStatus> probeStatuses(StatusInputs in) {
    List<ProbeStatus> out = new ArrayList<>();
    for (ProbeFinding p : in.findings().probes()) {
      ProbeStatus ps = probeStatus(p.key().probe(), neverRun(p.state()) ? null : p.state());
      if (ps.getLastError() == null && p.pending()) {
        notProbedBecause(p, in).ifPresent(ps::setLastError);
      }
      out.add(ps);
    }
    return out;
  }

  /** Why a probe has not run: a process it checks is not running. */
  private static Optional<String> notProbedBecause(ProbeFinding p, StatusInputs in) {
    if (p.spec().getProcess() == null) {
      return Optional.empty();
    }
    return in.findings().units().stream()
        .filter(u -> u.name().equals(p.spec().getProcess()) && u.phase() != Phase.Running).findFirst()
        .map(u -> "not probed: process " + u.name() + " is not running");
  }

  private static boolean neverRun(ProbeState st) {
    return st.equals(ProbeState.unknown(st.key()));
  }

  private static ProbeStatus probeStatus(String name, ProbeState st) {
    ProbeStatus ps = new ProbeStatus();
    ps.setName(name);
    if (st == null) {
      ps.setResult(ProbeResult.Unknown.name());
      ps.setConsecutiveFailures(0);
      return ps;
    }
    ps.setResult(st.result().name());
    ps.setConsecutiveFailures(st.consecutiveFailures());
    ps.setLastTransitionTime(Timestamps.format(st.lastTransitionTime()));
    ps.setLastError(st.lastError());
    if (st.requested() != null) {
      RequestedRunStatus r = new RequestedRunStatus();
      r.setRequest(st.requested().request());
      r.setTime(Timestamps.format(st.requested().time()));
      r.setResult(st.requested().success() ? ProbeResult.Success.name() : ProbeResult.Failure.name());
      r.setError(st.requested().error());
      r.setLatencyMs(st.requested().latencyMillis());
      ps.setLastRequestedRun(r);
    }
    return ps;
  }

  private static List<TrackedPodStatus> podStatuses(StatusInputs in) {
    List<TrackedPodStatus> out = new ArrayList<>();
    for (TrackedPod pod : in.findings().observation().pods()) {
      TrackedPodStatus t = new TrackedPodStatus();
      t.setName(pod.name());
      t.setPodIP(pod.podIp());
      t.setPhase(pod.phase());
      List<ProbeStatus> probes = new ArrayList<>();
      boolean ready = pod.running();
      for (ProbeSpec p : in.spec().getProbes()) {
        ProbeState st = in.findings().probe(ProbeKey.on(p.getName(), pod.name())).map(ProbeFinding::state)
            .filter(s -> !neverRun(s)).orElse(null);
        probes.add(probeStatus(p.getName(), st));
        ready &= st != null && (st.passing() || !p.isCriticalProbe());
      }
      t.setReady(ready);
      t.setProbes(probes);
      out.add(t);
    }
    return out;
  }
}
