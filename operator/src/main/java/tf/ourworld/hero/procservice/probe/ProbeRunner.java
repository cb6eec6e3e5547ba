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

  /** Cancels every probe of a service and forgets its states. */
  void cancel(ResourceID service);

  /** Runs every probe of the service at once (the probe-now annotation). */
  void runNow(ResourceID service);

  /**
   * Runs every probe of the service at once, and remembers {@code token} once each of those runs
   * (or one already in flight) has ended ({@link #runNowDone}), telling the listener.
   */
  default void runNow(ResourceID service, String token) {
    runNow(service);
  }

  /** The token of the latest {@link #runNow(ResourceID, String)} whose runs have all ended, or null. */
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
