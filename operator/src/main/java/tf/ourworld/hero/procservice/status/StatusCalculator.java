package tf.ourworld.hero.procservice.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import tf.ourworld.hero.procservice.model.ExitStatus;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.SpecProblem;
import tf.ourworld.hero.procservice.runtime.TrackedPod;

/**
 * The status rules of DESIGN.md, as one pure function: a chain of checks where the first that
 * applies decides state, reason and message; conditions follow from the state. Same inputs, same
 * status, so an unchanged service produces an identical status and nothing is written.
 */
public final class StatusCalculator {

  /** The verdict of the chain: state, reason, message, and whether Ready holds. */
  record Verdict(ServiceState state, String reason, String message, boolean ready, boolean reconciling) {
  }

  public ProcServiceStatus compute(StatusInputs in) {
    ProcServiceSpec spec = in.spec();
    ProcServiceStatus s = new ProcServiceStatus();
    s.setObservedGeneration(in.generation());
    s.setHandled(in.handled());

    boolean track = spec.getRuntime() == RuntimeKind.Track;
    if (!track) {
      s.setProcesses(processStatuses(in));
    } else {
      s.setPods(podStatuses(in));
    }
    s.setProbes(track ? null : probeStatuses(in));
    s.setProbesReady(probesReady(in));
    s.setRestarts(restarts(in));
    s.setNextRestartTime(in.problems().isEmpty() && !in.recovery().limitExceeded()
        ? Timestamps.format(in.recovery().nextRestartTime()) : null);

    Verdict v = verdict(in);
    s.setState(v.state());
    s.setReason(v.reason());
    s.setMessage(v.message());
    ProcServiceStatus prev = in.previous();
    s.setLastTransitionTime(prev != null && prev.getState() == v.state() && prev.getLastTransitionTime() != null
        ? prev.getLastTransitionTime() : Timestamps.format(in.now()));

    boolean alive = !in.observation().nothingAlive();
    boolean degraded = v.state() == ServiceState.Degraded || (v.state() == ServiceState.Failed && alive);
    List<Condition> old = prev == null ? List.of() : prev.getConditions();
    long g = in.generation();
    List<Condition> conds = new ArrayList<>();
    conds.add(Conditions.merge(old, Conditions.READY, v.ready(), v.reason(), v.message(), g, in.now()));
    conds.add(Conditions.merge(old, Conditions.DEGRADED, degraded, degraded ? v.reason() : "AsExpected",
        degraded ? v.message() : "Nothing is degraded", g, in.now()));
    conds.add(Conditions.merge(old, Conditions.RECONCILING, v.reconciling(), v.reconciling() ? v.reason() : "AsExpected",
        v.reconciling() ? v.message() : "Nothing in progress", g, in.now()));
    boolean stalled = v.state() == ServiceState.Failed;
    conds.add(Conditions.merge(old, Conditions.STALLED, stalled, stalled ? v.reason() : "AsExpected",
        stalled ? v.message() : "Not stalled", g, in.now()));
    s.setConditions(conds);
    return s;
  }

  /** The chain; the first rule that applies wins. */
  Verdict verdict(StatusInputs in) {
    ProcServiceSpec spec = in.spec();
    if (!in.problems().isEmpty()) {
      SpecProblem p = in.problems().get(0);
      return new Verdict(ServiceState.Failed, p.reason(), p.message(), false, false);
    }
    if (in.recovery().limitExceeded()) {
      return new Verdict(ServiceState.Failed, "RestartLimitExceeded",
          "Restarted " + in.recovery().windowRestarts() + " times within " + in.recovery().windowSeconds()
              + "s; giving up until the annotation hero.ourworld.tf/reset-failed is set to a new value",
          false, false);
    }
    if (Boolean.TRUE.equals(spec.getSuspend())) {
      if (in.stopping() || !in.observation().nothingAlive()) {
        return new Verdict(ServiceState.Stopped, "Stopping", "Suspended: stopping processes", false, true);
      }
      return new Verdict(ServiceState.Stopped, "Suspended", "Suspended: nothing is running", true, false);
    }
    return spec.getRuntime() == RuntimeKind.Track ? trackVerdict(in) : processVerdict(in);
  }

  private Verdict processVerdict(StatusInputs in) {
    ProcServiceSpec spec = in.spec();
    List<ProcessObservation> procs = in.observation().processes();
    boolean restartPending = in.recovery().nextRestartTime() != null;
    List<String> problems = new ArrayList<>();

    List<ProcessObservation> down = procs.stream().filter(StatusCalculator::isDown).toList();
    boolean neverStarted = procs.stream().allMatch(p -> p.phase() == Phase.NotStarted && p.lastExit() == null);
    if (neverStarted) {
      return new Verdict(ServiceState.Starting, "Starting", "Starting processes", false, true);
    }
    if (!down.isEmpty()) {
      boolean allDone = procs.stream().noneMatch(ProcessObservation::alive)
          && down.stream().noneMatch(p -> wouldRestart(spec, p));
      if (allDone && !restartPending) {
        return new Verdict(ServiceState.Stopped, "Completed",
            "All processes exited and their restartPolicy does not restart them", false, false);
      }
      for (ProcessObservation p : down) {
        problems.add(describeDown(p));
      }
    }
    List<String> stopping = procs.stream().filter(p -> p.phase() == Phase.Stopping).map(ProcessObservation::name).toList();
    List<String> failedCritical = failedProbes(in, true);
    List<String> failedOther = failedProbes(in, false);
    problems.addAll(failedCritical);
    if (!problems.isEmpty()) {
      String reason = !down.isEmpty() ? "ProcessExited" : "ProbeFailed";
      return new Verdict(ServiceState.Degraded, reason, join(problems), false,
          restartPending || !stopping.isEmpty());
    }
    if (!stopping.isEmpty()) {
      return new Verdict(ServiceState.Starting, "Restarting", "Restarting " + String.join(", ", stopping), false, true);
    }
    List<String> starting = procs.stream().filter(p -> p.phase() == Phase.Starting || p.phase() == Phase.NotStarted)
        .map(ProcessObservation::name).toList();
    if (!starting.isEmpty()) {
      return new Verdict(ServiceState.Starting, "Starting", "Starting " + String.join(", ", starting), false, true);
    }
    boolean criticalPending = spec.getProbes().stream()
        .anyMatch(p -> p.isCriticalProbe() && state(in, p.getName()).result() == ProbeResult.Unknown);
    if (!failedOther.isEmpty()) {
      return new Verdict(ServiceState.Degraded, "ProbeFailed", join(failedOther) + " (not critical)",
          !criticalPending, restartPending);
    }
    if (criticalPending || spec.getProbes().stream().anyMatch(p -> state(in, p.getName()).result() == ProbeResult.Unknown)) {
      return new Verdict(ServiceState.Starting, "ProbesPending", "Waiting for probes: " + probesReady(in) + " passing",
          false, true);
    }
    String msg = spec.getProbes().isEmpty()
        ? "All " + procs.size() + " processes running (no probes declared)"
        : "All " + procs.size() + " processes running, " + probesReady(in) + " probes passing";
    return new Verdict(ServiceState.Running, spec.getProbes().isEmpty() ? "ProcessesRunning" : "AllProbesPassing",
        msg, true, false);
  }

  private Verdict trackVerdict(StatusInputs in) {
    List<TrackedPod> pods = in.observation().pods();
    boolean restartPending = in.recovery().nextRestartTime() != null;
    if (pods.isEmpty()) {
      return new Verdict(ServiceState.Stopped, "NoPods", "No pods match the selector", false, false);
    }
    List<TrackedPod> running = pods.stream().filter(TrackedPod::running).toList();
    if (running.isEmpty()) {
      return new Verdict(ServiceState.Starting, "PodsNotRunning",
          "Waiting for pods to run: " + pods.stream().map(TrackedPod::name).collect(Collectors.joining(", ")),
          false, true);
    }
    List<String> critical = new ArrayList<>();
    List<String> other = new ArrayList<>();
    boolean pending = false;
    for (TrackedPod pod : running) {
      for (ProbeSpec p : in.spec().getProbes()) {
        ProbeState st = state(in, p.getName() + "@" + pod.name());
        if (st.failed()) {
          (p.isCriticalProbe() ? critical : other).add("pod " + pod.name() + ": " + describeProbe(p.getName(), st));
        } else if (st.result() == ProbeResult.Unknown && p.isCriticalProbe()) {
          pending = true;
        }
      }
    }
    if (!critical.isEmpty()) {
      return new Verdict(ServiceState.Degraded, "ProbeFailed", join(critical), false, restartPending);
    }
    if (!other.isEmpty()) {
      return new Verdict(ServiceState.Degraded, "ProbeFailed", join(other) + " (not critical)", !pending, restartPending);
    }
    if (pending || running.size() < pods.size()) {
      return new Verdict(ServiceState.Starting, "ProbesPending", "Waiting for probes: " + probesReady(in) + " passing",
          false, true);
    }
    return new Verdict(ServiceState.Running, "AllProbesPassing",
        "All " + running.size() + " tracked pods pass " + probesReady(in) + " probes", true, false);
  }

  private static boolean isDown(ProcessObservation p) {
    return p.phase() == Phase.Exited || (p.phase() == Phase.NotStarted && p.lastExit() != null);
  }

  private static boolean wouldRestart(ProcServiceSpec spec, ProcessObservation p) {
    RestartPolicy policy = spec.getProcesses().stream().filter(x -> x.getName().equals(p.name()))
        .map(ProcessSpec::getRestartPolicy).filter(Objects::nonNull).findFirst().orElse(RestartPolicy.Always);
    return switch (policy) {
      case Always -> true;
      case Never -> false;
      case OnFailure -> p.lastExit() == null || !p.lastExit().success();
    };
  }

  private static String describeDown(ProcessObservation p) {
    ProcessObservation.Exit e = p.lastExit();
    if (e == null) {
      return "process " + p.name() + " is not running";
    }
    if (e.code() == null) {
      return "process " + p.name() + " exited" + (e.message() != null ? " (" + e.message() + ")" : "");
    }
    return "process " + p.name() + " exited with code " + e.code() + (e.signal() != null ? " (" + e.signal() + ")" : "");
  }

  private static List<String> failedProbes(StatusInputs in, boolean critical) {
    List<String> out = new ArrayList<>();
    for (ProbeSpec p : in.spec().getProbes()) {
      if (p.isCriticalProbe() == critical) {
        ProbeState st = state(in, p.getName());
        if (st.failed()) {
          out.add(describeProbe(p.getName(), st));
        }
      }
    }
    return out;
  }

  static String describeProbe(String name, ProbeState st) {
    return "probe " + name + " failed " + st.consecutiveFailures() + " times: "
        + (st.lastError() == null ? "unknown error" : st.lastError());
  }

  private static ProbeState state(StatusInputs in, String key) {
    ProbeState st = in.probes().get(key);
    return st != null ? st : ProbeState.unknown(key);
  }

  private static String join(List<String> parts) {
    return String.join("; ", parts);
  }

  /** passing/total, over spec probes (Pod, Process) or probes x running pods (Track). */
  static String probesReady(StatusInputs in) {
    List<ProbeSpec> probes = in.spec().getProbes();
    if (in.spec().getRuntime() == RuntimeKind.Track) {
      List<TrackedPod> running = in.observation().pods().stream().filter(TrackedPod::running).toList();
      long passing = running.stream().mapToLong(pod -> probes.stream()
          .filter(p -> state(in, p.getName() + "@" + pod.name()).passing()).count()).sum();
      return passing + "/" + (probes.size() * running.size());
    }
    long passing = probes.stream().filter(p -> state(in, p.getName()).passing()).count();
    return passing + "/" + probes.size();
  }

  private static int restarts(StatusInputs in) {
    return in.observation().processes().stream().mapToInt(ProcessObservation::runtimeRestarts).sum()
        + in.recovery().operatorRestarts();
  }

  private static List<ProcessStatus> processStatuses(StatusInputs in) {
    List<ProcessStatus> out = new ArrayList<>();
    for (ProcessSpec spec : in.spec().getProcesses()) {
      ProcessObservation o = in.observation().process(spec.getName()).orElse(ProcessObservation.notStarted(spec.getName()));
      ProcessStatus ps = new ProcessStatus();
      ps.setName(spec.getName());
      ps.setState(processState(o, in));
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

  private static String processState(ProcessObservation o, StatusInputs in) {
    if (isDown(o) && in.recovery().nextRestartTime() != null) {
      return "BackOff";
    }
    return switch (o.phase()) {
      case NotStarted -> o.lastExit() != null ? "Exited" : "NotStarted";
      case Starting -> "Starting";
      case Running -> "Running";
      case Stopping -> "Stopping";
      case Exited -> "Exited";
    };
  }

  private static List<ProbeStatus> probeStatuses(StatusInputs in) {
    List<ProbeStatus> out = new ArrayList<>();
    for (ProbeSpec p : in.spec().getProbes()) {
      out.add(probeStatus(p.getName(), in.probes().get(p.getName()), in, p));
    }
    return out;
  }

  private static ProbeStatus probeStatus(String name, ProbeState st, StatusInputs in, ProbeSpec p) {
    ProbeStatus ps = new ProbeStatus();
    ps.setName(name);
    if (st == null) {
      ps.setResult(ProbeResult.Unknown.name());
      ps.setConsecutiveFailures(0);
      if (p != null && p.getProcess() != null) {
        in.observation().process(p.getProcess()).filter(o -> o.phase() != Phase.Running)
            .ifPresent(o -> ps.setLastError("not probed: process " + o.name() + " is not running"));
      }
      return ps;
    }
    ps.setResult(st.result().name());
    ps.setConsecutiveFailures(st.consecutiveFailures());
    ps.setLastTransitionTime(Timestamps.format(st.lastTransitionTime()));
    ps.setLastError(st.lastError());
    return ps;
  }

  private static List<TrackedPodStatus> podStatuses(StatusInputs in) {
    List<TrackedPodStatus> out = new ArrayList<>();
    for (TrackedPod pod : in.observation().pods()) {
      TrackedPodStatus t = new TrackedPodStatus();
      t.setName(pod.name());
      t.setPodIP(pod.podIp());
      t.setPhase(pod.phase());
      List<ProbeStatus> probes = new ArrayList<>();
      boolean ready = pod.running();
      for (ProbeSpec p : in.spec().getProbes()) {
        ProbeState st = in.probes().get(p.getName() + "@" + pod.name());
        probes.add(probeStatus(p.getName(), st, in, null));
        ready &= st != null && (st.passing() || !p.isCriticalProbe());
      }
      t.setReady(ready);
      t.setProbes(probes);
      out.add(t);
    }
    return out;
  }

}
