package tf.ourworld.hero.procservice.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.DoubleSupplier;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;

/**
 * Restart bookkeeping of one service, shared by every runtime: the first restart at once, then a
 * doubling backoff with jitter, the
 * restart limit within a sliding window, and the reset after a stable period. Time is passed in,
 * so it is tested without waiting.
 */
public final class RestartTracker {
  private final DoubleSupplier random;
  private final Duration stablePeriod;
  private final Deque<Instant> window = new ArrayDeque<>();
  private int consecutive;
  private Instant lastRestart;
  private Instant pendingDue;
  private boolean limitExceeded;

  /**
   * @param random uniform in [0,1), for the +-10% jitter
   * @param stablePeriod how long without a needed restart resets the backoff
   */
  public RestartTracker(DoubleSupplier random, Duration stablePeriod) {
    this.random = random;
    this.stablePeriod = stablePeriod;
  }

  /** What to do about a restart that is needed now. */
  public sealed interface Decision {
    /** Restart now; {@link #recordRestart} when done. */
    record Now() implements Decision {
    }

    /** Back off until the given time. */
    record Wait(Instant until) implements Decision {
    }

    /** Too many restarts within the window: give up until reset. */
    record LimitExceeded(int restarts, int windowSeconds) implements Decision {
    }
  }

  /**
   * Decides about a restart that is needed at {@code now}. The due time stays fixed until it
   * happens. {@code recovery} is defaulted ({@code SpecDefaults}): backoff and limit are set.
   */
  public Decision needRestart(RecoverySpec recovery, Instant now) {
    RestartLimitSpec limit = recovery.getRestartLimit();
    int maxRestarts = limit.getMaxRestarts();
    int windowSeconds = limit.getWindowSeconds();
    prune(now, windowSeconds);
    if (limitExceeded || window.size() >= maxRestarts) {
      limitExceeded = true;
      pendingDue = null;
      return new Decision.LimitExceeded(window.size(), windowSeconds);
    }
    if (lastRestart != null && Duration.between(lastRestart, now).compareTo(stablePeriod) > 0) {
      consecutive = 0;
    }
    if (pendingDue == null) {
      // The first restart after a stable period is immediate: a crash or a dead handler is repaired
      // at once; the backoff (and the limit) bound what follows when the restart did not help.
      pendingDue = consecutive == 0 ? now : now.plus(delay(recovery.getBackoff(), consecutive - 1));
    }
    return now.isBefore(pendingDue) ? new Decision.Wait(pendingDue) : new Decision.Now();
  }

  /**
   * Takes up what an earlier operator recorded in status: the restarts within the window (oldest
   * first) and a pending restart's due time. The backoff continues from the restarts that followed
   * each other within the stable period, so neither the limit nor the backoff restarts from zero
   * when the operator does.
   */
  public void restore(List<Instant> restarts, Instant due) {
    window.clear();
    window.addAll(restarts);
    consecutive = 0;
    Instant next = null;
    for (int i = restarts.size() - 1; i >= 0; i--) {
      Instant t = restarts.get(i);
      if (next != null && Duration.between(t, next).compareTo(stablePeriod) > 0) {
        break;
      }
      consecutive++;
      next = t;
    }
    lastRestart = restarts.isEmpty() ? null : restarts.get(restarts.size() - 1);
    pendingDue = due;
  }

  /** The restarts within the window, oldest first, as status keeps them. */
  public List<Instant> windowTimes() {
    return List.copyOf(window);
  }

  /** Records a restart made at {@code now}. */
  public void recordRestart(Instant now) {
    window.addLast(now);
    lastRestart = now;
    consecutive++;
    pendingDue = null;
  }

  /** No restart is needed any more (the target recovered by itself): forget the pending one. */
  public void clearPending() {
    pendingDue = null;
  }

  /** The due time of the pending restart, or null. */
  public Instant nextRestartTime() {
    return pendingDue;
  }

  public boolean limitExceeded() {
    return limitExceeded;
  }

  /** Marks the limit exceeded, e.g. when status says so after an operator restart. */
  public void markLimitExceeded() {
    limitExceeded = true;
    pendingDue = null;
  }

  /** Leaves Failed and clears the window (the reset-failed annotation). */
  public void reset() {
    window.clear();
    consecutive = 0;
    lastRestart = null;
    pendingDue = null;
    limitExceeded = false;
  }

  /** The backoff before the n-th consecutive restart (0-based): initial * 2^n capped at max, +-10%. */
  Duration delay(BackoffSpec backoff, int n) {
    int initial = backoff.getInitialSeconds();
    int max = backoff.getMaxSeconds();
    double base = Math.min((double) max, initial * Math.pow(2, Math.min(n, 30)));
    double jittered = base * (0.9 + 0.2 * random.getAsDouble());
    return Duration.ofMillis(Math.round(jittered * 1000));
  }

  private void prune(Instant now, int windowSeconds) {
    Instant cutoff = now.minusSeconds(windowSeconds);
    while (!window.isEmpty() && !window.peekFirst().isAfter(cutoff)) {
      window.removeFirst();
    }
  }
}
