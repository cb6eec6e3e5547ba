package tf.ourworld.hero.procservice.recovery;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.status.Timestamps;

/** The restart bookkeeping of every service, in memory, restored from status when the operator restarts. */
public final class RecoveryBook {
  private final Map<ResourceID, Entry> entries = new ConcurrentHashMap<>();
  private final Duration stablePeriod;
  private final Random random = new Random();

  public RecoveryBook(Duration stablePeriod) {
    this.stablePeriod = stablePeriod;
  }

  /**
   * One service's tracker, the incarnations the operator already restarted, and when a restart
   * deferred by recovery.escalateAfterSeconds becomes due (set by each reconcile that plans).
   */
  public record Entry(RestartTracker tracker, Map<String, String> restartedIncarnations, AtomicInteger operatorRestarts,
      AtomicReference<Instant> escalationDue) {

    public Entry(RestartTracker tracker, Map<String, String> restartedIncarnations, AtomicInteger operatorRestarts) {
      this(tracker, restartedIncarnations, operatorRestarts, new AtomicReference<>());
    }

    /** When the next restart happens: the tracker's pending one, or a deferred one, whichever is first. */
    public Instant nextRestartTime() {
      Instant pending = tracker.nextRestartTime();
      Instant deferred = escalationDue.get();
      if (pending == null || deferred == null) {
        return pending != null ? pending : deferred;
      }
      return pending.isBefore(deferred) ? pending : deferred;
    }
  }

  public Entry of(ResourceID id) {
    return entries.computeIfAbsent(id, k -> new Entry(new RestartTracker(random::nextDouble, stablePeriod),
        new ConcurrentHashMap<>(), new AtomicInteger()));
  }

  /**
   * The entry of a service; the first time this operator sees it, restored from what its status
   * says (restarts in the window, a pending restart, Failed by the limit, the operator's own restart
   * count), so an operator restart neither forgets nor repeats restarts.
   */
  public Entry of(ResourceID id, ProcServiceStatus status, boolean operatorCountsRestarts) {
    return entries.computeIfAbsent(id, k -> {
      Entry e = new Entry(new RestartTracker(random::nextDouble, stablePeriod), new ConcurrentHashMap<>(),
          new AtomicInteger());
      if (status != null) {
        e.tracker().restore(Timestamps.parseAll(status.getRestartTimes()), Timestamps.parse(status.getNextRestartTime()));
        if (status.getState() == ServiceState.Failed
            && Reason.of(status.getReason()) == Reason.RestartLimitExceeded) {
          e.tracker().markLimitExceeded();
        }
        if (operatorCountsRestarts && status.getRestarts() != null) {
          e.operatorRestarts().set(status.getRestarts());
        }
      }
      return e;
    });
  }

  public void forget(ResourceID id) {
    entries.remove(id);
  }
}
