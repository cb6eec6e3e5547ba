package tf.ourworld.hero.procservice.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a runtime sees of one service: its processes (Pod, Process) or tracked pods (Track), and
 * for processes on this host the path of each one's log file (by process name), and an error
 * that keeps the runtime from doing its job, if any.
 * Immutable.
 */
public record RuntimeObservation(List<ProcessObservation> processes, List<TrackedPod> pods, Map<String, String> logs,
    String error) {
  public RuntimeObservation {
    processes = List.copyOf(processes);
    pods = List.copyOf(pods);
    logs = Map.copyOf(logs);
  }

  public RuntimeObservation(List<ProcessObservation> processes, List<TrackedPod> pods) {
    this(processes, pods, Map.of(), null);
  }

  /** The same, with where each process's log file is on this host (Process runtime). */
  public RuntimeObservation withLogs(Map<String, String> logFiles) {
    return new RuntimeObservation(processes, pods, logFiles, error);
  }

  /**
   * The same, with what keeps the runtime from doing its job although the processes may run (its
   * state file cannot be written, so a restarted operator could not adopt them); null for none.
   */
  public RuntimeObservation withError(String runtimeError) {
    return new RuntimeObservation(processes, pods, logs, runtimeError);
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
