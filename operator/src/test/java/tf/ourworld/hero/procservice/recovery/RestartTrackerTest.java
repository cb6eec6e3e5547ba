package tf.ourworld.hero.procservice.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;

/** Backoff, jitter, the restart window and reset, with time passed in (no waiting). */
class RestartTrackerTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  static RecoverySpec recovery(int initial, int max, int maxRestarts, int window) {
    RecoverySpec r = new RecoverySpec();
    BackoffSpec b = new BackoffSpec();
    b.setInitialSeconds(initial);
    b.setMaxSeconds(max);
    r.setBackoff(b);
    RestartLimitSpec l = new RestartLimitSpec();
    l.setMaxRestarts(maxRestarts);
    l.setWindowSeconds(window);
    r.setRestartLimit(l);
    return r;
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    RestartTracker t = new RestartTracker(() -> 0.5, Duration.ofHours(1)); // 0.5 = no jitter
    RecoverySpec r = recovery(1, 8, 100, 3600);
    Instant now = T0;
    // the first restart is immediate
    assertThat(t.needRestart(r, now)).isInstanceOf(RestartTracker.Decision.Now.class);
    t.recordRestart(now);
    now = now.plusSeconds(1);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RestartTracker.Decision d = t.needRestart(r, now);
      assertThat(d).isInstanceOf(RestartTracker.Decision.Wait.class);
      Instant due = ((RestartTracker.Decision.Wait) d).until();
      delays.add(Duration.between(now, due).toSeconds());
      assertThat(t.nextRestartTime()).isEqualTo(due);
      assertThat(t.needRestart(r, due)).isInstanceOf(RestartTracker.Decision.Now.class);
      t.recordRestart(due);
      assertThat(t.nextRestartTime()).isNull();
      now = due.plusSeconds(1);
    }
    assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 8L, 8L);
  }

  @Test
  void jitterStaysWithinTenPercent() {
    RestartTracker low = new RestartTracker(() -> 0.0, Duration.ofHours(1));
    RestartTracker high = new RestartTracker(() -> 0.999999, Duration.ofHours(1));
    BackoffSpec b = new BackoffSpec();
    b.setInitialSeconds(10);
    assertThat(low.delay(b, 0)).isEqualTo(Duration.ofSeconds(9));
    assertThat(high.delay(b, 0).toMillis()).isBetween(10_999L, 11_000L);
  }

  @Test
  void dueTimeStaysFixedWhileWaiting() {
    RestartTracker t = new RestartTracker(() -> 0.3, Duration.ofHours(1));
    RecoverySpec r = recovery(5, 300, 5, 600);
    t.needRestart(r, T0);
    t.recordRestart(T0);
    Instant due = ((RestartTracker.Decision.Wait) t.needRestart(r, T0)).until();
    assertThat(((RestartTracker.Decision.Wait) t.needRestart(r, T0.plusSeconds(1))).until()).isEqualTo(due);
  }

  @Test
  void limitWithinTheWindowFailsUntilReset() {
    RestartTracker t = new RestartTracker(() -> 0.5, Duration.ofHours(1));
    RecoverySpec r = recovery(0, 1, 3, 600);
    Instant now = T0;
    for (int i = 0; i < 3; i++) {
      assertThat(t.needRestart(r, now)).isInstanceOf(RestartTracker.Decision.Now.class);
      t.recordRestart(now);
      now = now.plusSeconds(10);
    }
    RestartTracker.Decision d = t.needRestart(r, now);
    assertThat(d).isEqualTo(new RestartTracker.Decision.LimitExceeded(3, 600));
    assertThat(t.limitExceeded()).isTrue();
    assertThat(t.nextRestartTime()).isNull();
    // stays failed even after the window has passed, until reset
    assertThat(t.needRestart(r, now.plusSeconds(3600))).isInstanceOf(RestartTracker.Decision.LimitExceeded.class);
    t.reset();
    assertThat(t.needRestart(r, now.plusSeconds(3600))).isInstanceOf(RestartTracker.Decision.Now.class);
  }

  @Test
  void restartsOutsideTheWindowDoNotCount() {
    RestartTracker t = new RestartTracker(() -> 0.5, Duration.ofHours(1));
    RecoverySpec r = recovery(0, 1, 2, 60);
    t.needRestart(r, T0);
    t.recordRestart(T0);
    t.needRestart(r, T0.plusSeconds(30));
    t.recordRestart(T0.plusSeconds(30));
    assertThat(t.needRestart(r, T0.plusSeconds(95))).isNotInstanceOf(RestartTracker.Decision.LimitExceeded.class);
  }

  @Test
  void backoffResetsAfterAStablePeriod() {
    RestartTracker t = new RestartTracker(() -> 0.5, Duration.ofMinutes(10));
    RecoverySpec r = recovery(1, 300, 100, 60);
    Instant now = T0;
    t.needRestart(r, now);
    t.recordRestart(now);
    for (int i = 0; i < 4; i++) {
      Instant due = ((RestartTracker.Decision.Wait) t.needRestart(r, now)).until();
      t.recordRestart(due);
      now = due;
    }
    Instant later = now.plus(Duration.ofMinutes(11));
    // stable for longer than the period: immediate again, then the initial delay
    assertThat(t.needRestart(r, later)).isInstanceOf(RestartTracker.Decision.Now.class);
    t.recordRestart(later);
    Instant due = ((RestartTracker.Decision.Wait) t.needRestart(r, later)).until();
    assertThat(Duration.between(later, due)).isEqualTo(Duration.ofSeconds(1));
  }

  /** What status kept survives an operator restart: the window counts old restarts, the due time holds. */
  @Test
  void restoredBookkeepingKeepsTheWindowTheBackoffAndTheDueTime() {
    RecoverySpec r = recovery(10, 300, 3, 600);
    RestartTracker t = new RestartTracker(() -> 0.5, java.time.Duration.ofMinutes(10));
    Instant due = T0.plusSeconds(100);
    t.restore(java.util.List.of(T0, T0.plusSeconds(20)), due);
    assertThat(t.windowTimes()).containsExactly(T0, T0.plusSeconds(20));
    assertThat(t.needRestart(r, T0.plusSeconds(80))).isEqualTo(new RestartTracker.Decision.Wait(due));
    assertThat(t.needRestart(r, due)).isInstanceOf(RestartTracker.Decision.Now.class);
    t.recordRestart(due);
    // the third restart within the window was the last one allowed
    assertThat(t.needRestart(r, due.plusSeconds(1))).isInstanceOf(RestartTracker.Decision.LimitExceeded.class);
    // two restarts 20 s apart: the next backoff is the second step, initial * 2
    RestartTracker fresh = new RestartTracker(() -> 0.5, java.time.Duration.ofMinutes(10));
    fresh.restore(java.util.List.of(T0, T0.plusSeconds(20)), null);
    assertThat(((RestartTracker.Decision.Wait) fresh.needRestart(r, T0.plusSeconds(30))).until())
        .isEqualTo(T0.plusSeconds(30 + 20));
  }
}
