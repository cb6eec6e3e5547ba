package tf.ourworld.hero.procservice.recovery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;

/**
 * Decides what a service needs from what is observed: processes to start, and processes or pods
 * to restart (restartPolicy for exits; recovery.action for critical probes past their threshold).
 * Pure; backoff and limits are applied by the caller with a {@link RestartTracker}.
 */
public final class RecoveryPlanner {

  /**
   * @param restartedIncarnations incarnations the operator already restarted, by process: a probe
   *     verdict about such an incarnation is stale and does not restart it again
   */
  public RecoveryNeeds needs(ProcServiceSpec spec, RuntimeObservation obs, Map<String, ProbeState> probes,
      Map<String, String> restartedIncarnations) {
    if (spec.getRuntime() == RuntimeKind.Track) {
      return trackNeeds(spec, obs, probes);
    }
    Set<String> start = new TreeSet<>();
    Set<String> restart = new TreeSet<>();
    List<String> why = new ArrayList<>();
    for (ProcessSpec p : spec.getProcesses()) {
      ProcessObservation o = obs.process(p.getName()).orElse(ProcessObservation.notStarted(p.getName()));
      boolean exited = o.phase() == Phase.Exited || (o.phase() == Phase.NotStarted && o.lastExit() != null);
      if (o.phase() == Phase.NotStarted && o.lastExit() == null) {
        start.add(p.getName());
      } else if (exited && restartsAfter(p.getRestartPolicy(), o.lastExit())) {
        restart.add(p.getName());
        why.add(exitText(o));
      }
    }
    if (RecoverySpec.effectiveAction(spec) == RecoveryAction.Restart) {
      for (ProbeSpec probe : spec.getProbes()) {
        ProbeState st = probes.get(probe.getName());
        if (!probe.isCriticalProbe() || st == null || !st.failed()) {
          continue;
        }
        List<String> targets = probe.getProcess() != null ? List.of(probe.getProcess())
            : spec.getProcesses().stream().map(ProcessSpec::getName).toList();
        boolean any = false;
        for (String t : targets) {
          ProcessObservation o = obs.process(t).orElse(null);
          if (o != null && o.phase() == Phase.Running && !o.incarnation().equals(restartedIncarnations.get(t))) {
            restart.add(t);
            any = true;
          }
        }
        if (any) {
          why.add("probe " + probe.getName() + " failed " + st.consecutiveFailures() + " times: " + st.lastError());
        }
      }
    }
    return new RecoveryNeeds(start, restart, why.isEmpty() ? null : String.join("; ", why));
  }

  private RecoveryNeeds trackNeeds(ProcServiceSpec spec, RuntimeObservation obs, Map<String, ProbeState> probes) {
    if (RecoverySpec.effectiveAction(spec) != RecoveryAction.Restart) {
      return new RecoveryNeeds(Set.of(), Set.of(), null);
    }
    // At most one pod at a time: the first failing pod by name, and only while every other pod runs.
    boolean allRunning = obs.pods().stream().allMatch(TrackedPod::running);
    for (TrackedPod pod : obs.pods().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList()) {
      for (ProbeSpec probe : spec.getProbes()) {
        ProbeState st = probes.get(probe.getName() + "@" + pod.name());
        if (probe.isCriticalProbe() && st != null && st.failed() && pod.running() && allRunning) {
          return new RecoveryNeeds(Set.of(), new LinkedHashSet<>(List.of(pod.name())),
              "pod " + pod.name() + ": probe " + probe.getName() + " failed " + st.consecutiveFailures() + " times: "
                  + st.lastError());
        }
      }
    }
    return new RecoveryNeeds(Set.of(), Set.of(), null);
  }

  static boolean restartsAfter(RestartPolicy policy, ProcessObservation.Exit exit) {
    return switch (policy == null ? RestartPolicy.Always : policy) {
      case Always -> true;
      case Never -> false;
      case OnFailure -> exit == null || !exit.success();
    };
  }

  private static String exitText(ProcessObservation o) {
    ProcessObservation.Exit e = o.lastExit();
    if (e == null || e.code() == null) {
      return "process " + o.name() + " exited";
    }
    return "process " + o.name() + " exited with code " + e.code() + (e.signal() != null ? " (" + e.signal() + ")" : "");
  }
}
