package tf.ourworld.hero.procservice.model;

/** Where a service's processes live. */
public enum RuntimeKind {
  /** One Pod per ProcService, one container per process. */
  Pod,
  /** Local processes on the operator's host (opt-in on the operator). */
  Process,
  /** Pods created by someone else, selected by label; probes only. */
  Track
}
