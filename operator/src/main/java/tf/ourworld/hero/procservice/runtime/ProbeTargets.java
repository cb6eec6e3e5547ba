package tf.ourworld.hero.procservice.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * Which processes a service-wide probe checks, and the one planning rule every runtime follows:
 * a probe runs only while every process it checks is Running (its restart targets are exactly
 * those processes). A probe of a process that is down is not run: the process is reported.
 */
public final class ProbeTargets {
  private ProbeTargets() {
  }

  /** The names of the processes a probe checks: the one it names, or all of them. */
  public static List<String> of(ProbeSpec probe, List<ProcessSpec> processes) {
    if (probe.getProcess() != null) {
      return List.of(probe.getProcess());
    }
    return processes.stream().map(ProcessSpec::getName).toList();
  }

  /** The observed targets when all of them are Running; empty when any is not (or none exists). */
  public static Optional<List<ProcessObservation>> running(ProbeSpec probe, List<ProcessSpec> processes,
      RuntimeObservation observation) {
    List<String> names = of(probe, processes);
    List<ProcessObservation> up = new ArrayList<>();
    for (String name : names) {
      ProcessObservation o = observation.process(name).orElse(null);
      if (o == null || o.phase() != Phase.Running) {
        return Optional.empty();
      }
      up.add(o);
    }
    return up.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(up));
  }
}
