package tf.ourworld.hero.procservice.runtime;

import java.util.List;
import java.util.Optional;

/**
 * What a runtime sees of one service: its processes (Pod, Process) or tracked pods (Track).
 * Immutable.
 */
public record RuntimeObservation(List<ProcessObservation> processes, List<TrackedPod> pods) {
  public RuntimeObservation {
    processes = List.copyOf(processes);
    pods = List.copyOf(pods);
  }

  public static RuntimeObservation ofProcesses(List<ProcessObservation> processes) {
    return new RuntimeObservation(processes, List.of());
  }

  public static RuntimeObservation ofPods(List<TrackedPod> pods) {
    return new RuntimeObservation(List.of(), pods);
  }

  public static RuntimeObservation empty() {
    return new RuntimeObservation(List.of(), List.of());
  }

  public Optional<ProcessObservation> process(String name) {
    return processes.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** True when nothing of the service is running or starting. */
  public boolean nothingAlive() {
    return processes.stream().noneMatch(ProcessObservation::alive)
        && pods.stream().noneMatch(TrackedPod::running);
  }
}
