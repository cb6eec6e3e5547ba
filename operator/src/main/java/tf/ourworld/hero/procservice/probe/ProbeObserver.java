package tf.ourworld.hero.procservice.probe;

import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Told about every probe run (for metrics); must be cheap and must not block. */
public interface ProbeObserver {

  /** Does nothing. */
  ProbeObserver NOOP = (service, probe, kind, success, latencyNanos) -> { };

  /** A run finished. */
  void onResult(ResourceID service, String probe, String kind, boolean success, long latencyNanos);

  /** A run started {@code lagNanos} after its planned time (timer delay plus queueing). */
  default void onStart(ResourceID service, String probe, long lagNanos) {
  }
}
