package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  @Test
  void firesArmedDeadlinesAndNotDisarmedOnes() {
    try (Watchdog watchdog = new Watchdog("test-watchdog")) {
      AtomicLong firedAt = new AtomicLong();
      AtomicBoolean disarmedFired = new AtomicBoolean();
      long start = System.nanoTime();
      Watchdog.Entry disarmed = watchdog.arm(TimeUnit.MILLISECONDS.toNanos(1000), () -> disarmedFired.set(true));
      watchdog.arm(TimeUnit.MILLISECONDS.toNanos(1200), () -> firedAt.set(System.nanoTime()));
      disarmed.disarm();
      await().atMost(Duration.ofSeconds(10)).until(() -> firedAt.get() != 0);
      assertThat(firedAt.get() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1200));
      assertThat(disarmedFired).isFalse();
    }
  }

  @Test
  void aDeadlineArmedWhileTheThreadSleepsStillFires() {
    try (Watchdog watchdog = new Watchdog("test-watchdog")) {
      AtomicBoolean first = new AtomicBoolean();
      AtomicBoolean second = new AtomicBoolean();
      watchdog.arm(TimeUnit.SECONDS.toNanos(1), () -> first.set(true));
      await().atMost(Duration.ofSeconds(10)).untilTrue(first); // the thread now sleeps on an empty queue
      watchdog.arm(TimeUnit.SECONDS.toNanos(1), () -> second.set(true));
      await().atMost(Duration.ofSeconds(10)).untilTrue(second);
    }
  }
}
