package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;

/**
 * A service without any status yet whose units run and whose probes have not answered once is not
 * written as {@code Starting / ProbesPending}: a fresh probe runs within its warm-up retry (250 ms),
 * and its verdict is written instead, one status write per fresh service rather than two (10,000
 * fewer writes when an operator meets 10,000 new services at once). Only for {@link #WAIT}: a probe
 * that does not answer by then no longer holds the first status back.
 */
final class FirstVerdictWait {
  /** How long a fresh service's first status waits for its probes' first answers. */
  static final Duration WAIT = Duration.ofSeconds(2);

  /** When each service without status was first reconciled; dropped once it has a status. */
  private final Map<ResourceID, Instant> firstSeen = new ConcurrentHashMap<>();

  /**
   * How long the write of {@code status} should still wait, or null to write now: null unless the
   * service has no status yet ({@code previous} null) and {@code status} only waits for probes.
   */
  Duration holdBack(ResourceID id, ProcServiceStatus previous, ProcServiceStatus status, Instant now) {
    if (previous != null) {
      firstSeen.remove(id);
      return null;
    }
    if (status == null || !Reason.ProbesPending.name().equals(status.getReason())) {
      return null;
    }
    Instant first = firstSeen.computeIfAbsent(id, k -> now);
    Duration left = Duration.between(now, first.plus(WAIT));
    return left.isNegative() || left.isZero() ? null : left;
  }

  void forget(ResourceID id) {
    firstSeen.remove(id);
  }
}
