package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;

/**
 * A service without any status yet whose units run and whose probes have not answered once is not
 * written as {@code Starting / ProbesPending}: a fresh probe runs within its warm-up retry (250 ms),
 * and its verdict is written instead, one status write per fresh service rather than two (10,000
 * fewer writes when an operator meets 10,000 new services at once). Only for {@link #WAIT}: a probe
 * that does not answer by then no longer holds the first status back.
 *
 * <p>The end of the wait asks for a reconcile through {@link ReconcileRequests}, not JOSDK's
 * reschedule: when the probes have answered, a reconcile is already coming and the timer's request
 * adds none (JOSDK would run once more for it after the one that writes the status).
 */
final class FirstVerdictWait {
  /** How long a fresh service's first status waits for its probes' first answers. */
  static final Duration WAIT = Duration.ofSeconds(2);

  /** When a service without status was first reconciled, and the request due when its wait ends. */
  private record Held(Instant first, Future<?> due) {
  }

  private final ReconcileRequests requests;
  /** Services without status whose first status is held back; dropped once they have a status. */
  private final Map<ResourceID, Held> held = new ConcurrentHashMap<>();

  FirstVerdictWait(ReconcileRequests requests) {
    this.requests = requests;
  }

  /**
   * How long the write of {@code status} should still wait, or null to write now: null unless the
   * service has no status yet ({@code previous} null) and {@code status} only waits for probes.
   * While it waits, a reconcile is requested for the end of the wait.
   */
  Duration holdBack(ResourceID id, ProcServiceStatus previous, ProcServiceStatus status, Instant now) {
    if (previous != null) {
      forget(id);
      return null;
    }
    if (status == null || !Reason.ProbesPending.name().equals(status.getReason())) {
      return null;
    }
    Held h = held.computeIfAbsent(id, k -> new Held(now, null));
    Duration left = Duration.between(now, h.first().plus(WAIT));
    if (left.isNegative() || left.isZero()) {
      return null;
    }
    if (h.due() == null || h.due().isDone()) {
      // the first wait, or its timer ran out before the clock says the wait did
      held.put(id, new Held(h.first(), requests.requestAfter(id, left)));
    }
    return left;
  }

  void forget(ResourceID id) {
    Held h = held.remove(id);
    if (h != null && h.due() != null) {
      h.due().cancel(false);
    }
  }
}
