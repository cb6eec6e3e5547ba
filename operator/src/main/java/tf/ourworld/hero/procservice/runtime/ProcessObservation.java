package tf.ourworld.hero.procservice.runtime;

import java.time.Instant;

/**
 * One process or container as a runtime sees it.
 *
 * @param name the process name from the spec
 * @param phase what it is doing now
 * @param pid local pid (Process), else null
 * @param pod pod name (Pod), else null
 * @param podIp pod IP (Pod), else null
 * @param startTime when the current incarnation started, null if never
 * @param incarnation changes each time the process (re)starts: probe counters reset on a change
 * @param runtimeRestarts restarts made by the runtime itself (kubelet's container restarts), not by the operator
 * @param lastExit how it last ended, or null
 * @param adopted true when found running after an operator restart (its exit code will be unknown)
 */
public record ProcessObservation(
    String name,
    Phase phase,
    Long pid,
    String pod,
    String podIp,
    Instant startTime,
    String incarnation,
    int runtimeRestarts,
    Exit lastExit,
    boolean adopted) {

  /** What a process is doing. */
  public enum Phase {
    /** Never started, or stopped on purpose. */
    NotStarted,
    /** Started, not yet known to be up (pod pending, container creating). */
    Starting,
    Running,
    /** Being stopped (SIGTERM sent, pod terminating). */
    Stopping,
    /** Ended by itself. */
    Exited
  }

  /** How a process ended: code/signal null when unknown. */
  public record Exit(Integer code, String signal, Instant time, String message) {
    public boolean success() {
      return code != null && code == 0 && signal == null;
    }
  }

  public boolean alive() {
    return phase == Phase.Running || phase == Phase.Starting || phase == Phase.Stopping;
  }

  public static ProcessObservation notStarted(String name) {
    return new ProcessObservation(name, Phase.NotStarted, null, null, null, null, null, 0, null, false);
  }
}
