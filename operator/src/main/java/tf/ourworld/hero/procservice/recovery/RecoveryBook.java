package tf.ourworld.hero.procservice.recovery;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The restart bookkeeping of every service, in memory; status carries what must survive a restart. */
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

  public void forget(ResourceID id) {
    entries.remove(id);
  }
}
