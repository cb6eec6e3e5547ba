package tf.ourworld.hero.procservice.probe;

import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Told when a probe's {@link ProbeState} changes in a way status shows. */
@FunctionalInterface
public interface ProbeListener {
  void onChange(ResourceID service, ProbeState previous, ProbeState current);

  /** Every probe of a run asked for by {@link ProbeRunner#runNow(ResourceID, String)} has ended. */
  default void onRunNowDone(ResourceID service) {
  }
}
