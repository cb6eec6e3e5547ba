package tf.ourworld.hero.procservice.recovery;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
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

  /** One service's tracker and the incarnations the operator already restarted. */
  public record Entry(RestartTracker tracker, Map<String, String> restartedIncarnations, AtomicInteger operatorRestarts) {
  }

  public Entry of(ResourceID id) {
    return entries.computeIfAbsent(id, k -> new Entry(new RestartTracker(random::nextDouble, stablePeriod),
        new ConcurrentHashMap<>(), new AtomicInteger()));
  }

  public void forget(ResourceID id) {
    entries.remove(id);
  }
}
