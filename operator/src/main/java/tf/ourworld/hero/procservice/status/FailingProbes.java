package tf.ourworld.hero.procservice.status;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;

/**
 * The probe instances a stored status shows as failing: what was already reported, so a probe
 * crossing its threshold is reported once, also across operator restarts (the status outlives
 * the operator's memory). Reads {@code status.probes} and {@code status.pods[].probes}.
 */
public final class FailingProbes {
  private FailingProbes() {
  }

  public static Set<ProbeKey> in(ProcServiceStatus status) {
    Set<ProbeKey> out = new HashSet<>();
    if (status == null) {
      return out;
    }
    for (ProbeStatus p : nonNull(status.getProbes())) {
      if (failed(p)) {
        out.add(ProbeKey.of(p.getName()));
      }
    }
    for (TrackedPodStatus pod : nonNull(status.getPods())) {
      for (ProbeStatus p : nonNull(pod.getProbes())) {
        if (failed(p) && pod.getName() != null) {
          out.add(ProbeKey.on(p.getName(), pod.getName()));
        }
      }
    }
    return out;
  }

  private static boolean failed(ProbeStatus p) {
    return p != null && p.getName() != null && ProbeResult.Failure.name().equals(p.getResult());
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
