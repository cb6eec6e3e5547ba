package tf.ourworld.hero.procservice.observability;

/** Reasons of the Kubernetes Events the operator writes, each on a transition only, with its event type. */
public enum EventReason {
  /** A probe crossed its failure threshold. */
  ProbeFailed(EventRecorder.WARNING),
  /** The operator is restarting a process or pod. */
  Restarting(EventRecorder.NORMAL),
  /** Every process up and every probe passing again after a failure. */
  Recovered(EventRecorder.NORMAL),
  /** Too many restarts in the window: state Failed until a spec change or reset. */
  RestartLimitExceeded(EventRecorder.WARNING),
  /** The spec cannot be acted on. */
  InvalidSpec(EventRecorder.WARNING);

  private final String type;

  EventReason(String type) {
    this.type = type;
  }

  /** {@code Normal} or {@code Warning}. */
  public String type() {
    return type;
  }
}
