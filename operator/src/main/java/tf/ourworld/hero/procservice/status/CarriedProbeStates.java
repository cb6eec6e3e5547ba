package tf.ourworld.hero.procservice.status;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProbeTargets;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;

/**
 * The probe results a stored status shows, for the probe instances whose units are still the
 * same ones (same pid and start time, same pod): what a restarted operator takes up, so a healthy
 * service stays Running and Ready across an operator restart, with no status write, until a probe
 * actually fails. A unit that changed (restarted, replaced) starts from Unknown as usual. Pure.
 */
public final class CarriedProbeStates {
  private CarriedProbeStates() {
  }

  public static Map<ProbeKey, ProbeState> from(ProcServiceSpec spec, UnitRules rules, ProcServiceStatus status,
      RuntimeObservation now) {
    Map<ProbeKey, ProbeState> out = new HashMap<>();
    if (status == null) {
      return out;
    }
    if (rules.probePerUnit()) {
      for (TrackedPodStatus pod : list(status.getPods())) {
        boolean same = now.pods().stream().anyMatch(p -> p.running() && p.name().equals(pod.getName())
            && Objects.equals(p.podIp(), pod.getPodIP()));
        if (same) {
          list(pod.getProbes()).forEach(p -> carry(ProbeKey.on(p.getName(), pod.getName()), p, out));
        }
      }
      return out;
    }
    for (ProbeSpec probe : spec.getProbes()) {
      List<ProcessObservation> targets = ProbeTargets.running(probe, spec.getProcesses(), now).orElse(List.of());
      boolean same = !targets.isEmpty() && targets.stream().allMatch(t -> sameUnit(t, status));
      if (same) {
        list(status.getProbes()).stream().filter(p -> probe.getName().equals(p.getName())).findFirst()
            .ifPresent(p -> carry(ProbeKey.of(probe.getName()), p, out));
      }
    }
    return out;
  }

  /** The unit status shows under that name is this one: same pid and start time (Process) or pod (Pod). */
  private static boolean sameUnit(ProcessObservation unit, ProcServiceStatus status) {
    return list(status.getProcesses()).stream().anyMatch(p -> unit.name().equals(p.getName())
        && "Running".equals(p.getState())
        && Objects.equals(unit.pid(), p.getPid())
        && Objects.equals(Timestamps.format(unit.startTime()), p.getStartTime())
        && Objects.equals(unit.pod(), p.getPod()));
  }

  private static void carry(ProbeKey key, ProbeStatus p, Map<ProbeKey, ProbeState> out) {
    ProbeResult result = p.getResult() == null ? null : switch (p.getResult()) {
      case "Success" -> ProbeResult.Success;
      case "Failure" -> ProbeResult.Failure;
      default -> null;
    };
    if (result != null) {
      int failures = p.getConsecutiveFailures() == null ? 0 : Math.max(0, p.getConsecutiveFailures());
      out.put(key, new ProbeState(key, result, failures, p.getLastError(), Timestamps.parse(p.getLastTransitionTime()), 0));
    }
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
