package tf.ourworld.hero.procservice.probe;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;

/**
 * Runs the planned probes of every service on the operator's own threads (never a reconcile
 * thread) and keeps their current states.
 */
public interface ProbeRunner extends AutoCloseable {

  /**
   * Replaces the probe plan of a service. Probes whose spec, target and incarnation are unchanged
   * keep running with their counters; changed ones are replanned (counters reset, initial delay
   * again); missing ones are cancelled. Cheap; safe to call on every reconcile.
   */
  void plan(ResourceID service, List<PlannedProbe> probes);

  /**
   * The same, and a probe that gets a new task starts from the state given for its key instead of
   * Unknown (an operator restart taking up the results its status shows): no initial delay, and its
   * next run counts from there.
   */
  default void plan(ResourceID service, List<PlannedProbe> probes, Map<ProbeKey, ProbeState> carried) {
    plan(service, probes);
  }

  /** Cancels every probe of a service and forgets its states. */
  void cancel(ResourceID service);

  /**
   * Runs every probe of the service at once (the probe-now annotation); each probe's state then
   * tells which {@code request} its next completed run answered ({@link ProbeState#requested()}).
   */
  void runNow(ResourceID service, String request);

  /**
   * The {@code request} of the latest {@link #runNow} whose runs have all ended (each probe's run
   * answered it, or the probe was cancelled; at once when the service has no probe planned), or null.
   * The listener hears {@link ProbeListener#onRunNowDone} then.
   */
  default String runNowDone(ResourceID service) {
    return null;
  }

  /** Current states by probe key; probes planned but not yet run are Unknown. */
  Map<ProbeKey, ProbeState> states(ResourceID service);

  /** Number of scheduled probe tasks alive (for leak tests and metrics). */
  int liveTasks();

  /** True while the runner's own threads accept work (for /healthz). */
  default boolean alive() {
    return true;
  }

  @Override
  void close();
}
