package tf.ourworld.hero.procservice.recovery;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a service needs now.
 *
 * @param start units never started yet (started at once, no backoff)
 * @param restart units (processes, containers, tracked pods) to restart, under backoff and limit
 * @param reasons the findings' descriptions that call for the restarts, for Events and logs
 * @param escalationDue when the earliest restart deferred by recovery.escalateAfterSeconds becomes
 *     due (the service is only Degraded until then), or null
 */
public record RecoveryNeeds(Set<String> start, Set<String> restart, List<String> reasons, Instant escalationDue) {
  public RecoveryNeeds {
    start = Set.copyOf(start);
    restart = Set.copyOf(restart);
    reasons = List.copyOf(reasons);
  }

  public RecoveryNeeds(Set<String> start, Set<String> restart, List<String> reasons) {
    this(start, restart, reasons, null);
  }

  public boolean restartNeeded() {
    return !restart.isEmpty();
  }

  /** One line saying why, or null when no restart is needed. */
  public String why() {
    return reasons.isEmpty() ? null : String.join("; ", reasons);
  }
}
