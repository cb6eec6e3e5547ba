package tf.ourworld.hero.procservice.model;

/**
 * Every reason the operator writes: the CamelCase {@code status.reason} of each state, and the
 * reasons of its Kubernetes Events. The one home of these names; code compares constants, never
 * strings, and docs/status.md lists each one (ReasonDocTest keeps it in step).
 */
public enum Reason {
  Starting(ServiceState.Starting, null, "processes are being started"),
  ProbesPending(ServiceState.Starting, null, "processes run, some probe has not passed yet"),
  Restarting(ServiceState.Starting, Reason.NORMAL, "the operator is restarting processes or pods"),
  PodsNotRunning(ServiceState.Starting, null, "Track: matching pods exist but none runs yet"),
  AllProbesPassing(ServiceState.Running, null, "every process up, every probe passing"),
  ProcessesRunning(ServiceState.Running, null, "every process up; the service declares no probes"),
  ProbeFailed(ServiceState.Degraded, Reason.WARNING, "a probe failed failureThreshold times"),
  ProcessExited(ServiceState.Degraded, Reason.WARNING, "a process exited"),
  RuntimeError(ServiceState.Degraded, Reason.WARNING, "the runtime could not act (an API or file system error)"),
  Suspended(ServiceState.Stopped, null, "spec.suspend is true and nothing runs"),
  Stopping(ServiceState.Stopped, null, "suspend requested, processes still stopping"),
  Completed(ServiceState.Stopped, null, "every process exited and its restartPolicy does not restart it"),
  NoPods(ServiceState.Stopped, null, "Track: no pod matches the selector"),
  InvalidSpec(ServiceState.Failed, Reason.WARNING, "the spec breaks a rule"),
  RuntimeUnavailable(ServiceState.Failed, Reason.WARNING, "the runtime asked for is not enabled on this operator"),
  CommandNotAllowed(ServiceState.Failed, Reason.WARNING, "a command is not in the operator's allow-list"),
  CommandNotFound(ServiceState.Failed, Reason.WARNING, "a command does not exist"),
  EnvNotAllowed(ServiceState.Failed, Reason.WARNING, "an env variable that hooks the loader or an interpreter"),
  RestartLimitExceeded(ServiceState.Failed, Reason.WARNING, "too many restarts within the window"),
  /** Event only: healthy again after a failure. */
  Recovered(null, Reason.NORMAL, "every process is up and every probe passes again");

  /** Event types, as Kubernetes spells them. */
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final ServiceState state;
  private final String eventType;
  private final String meaning;

  Reason(ServiceState state, String eventType, String meaning) {
    this.state = state;
    this.eventType = eventType;
    this.meaning = meaning;
  }

  /** The state this reason goes with in status, or null for an Event-only reason. */
  public ServiceState state() {
    return state;
  }

  /** {@code Normal} or {@code Warning} when an Event carries this reason, else null. */
  public String eventType() {
    return eventType;
  }

  /** One line saying what it means (docs/status.md). */
  public String meaning() {
    return meaning;
  }

  /** The reason of a status string, or null for one this operator does not write. */
  public static Reason of(String name) {
    if (name == null) {
      return null;
    }
    for (Reason r : values()) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }
}
