package tf.ourworld.hero.procservice.recovery;

import java.util.Set;

/**
 * What a service needs now.
 *
 * @param start processes never started yet (started at once, no backoff)
 * @param restart processes (Pod, Process) or pod names (Track) to restart, under backoff and limit
 * @param why one line saying why a restart is needed, for Events and logs; null when none
 */
public record RecoveryNeeds(Set<String> start, Set<String> restart, String why) {
  public RecoveryNeeds {
    start = Set.copyOf(start);
    restart = Set.copyOf(restart);
  }

  public boolean restartNeeded() {
    return !restart.isEmpty();
  }
}
