package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe pool: batches within the window on one thread, never behind a hung job for long. */
class CoalescingPoolTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final AtomicInteger names = new AtomicInteger();
  private CoalescingPool pool;

  private CoalescingPool pool(int threads, Duration window) {
    pool = new CoalescingPool(threads, window.toNanos(), TimeUnit.NANOSECONDS, r -> {
      Thread t = new Thread(r, "test-probe-" + names.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    return pool;
  }

  @AfterEach
  void shutDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void jobsDueWithinTheWindowRunTogetherOnOneThreadNeverBeforeTheWindow() {
    // all five are scheduled before the first is within the window of now: the leader waits, then takes them all
    Duration window = Duration.ofMillis(200);
    CoalescingPool p = pool(8, window);
    long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
    List<String> threads = new CopyOnWriteArrayList<>();
    List<Long> early = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      long due = first + TimeUnit.MILLISECONDS.toNanos(10L * i);
      p.schedule(() -> {
        threads.add(Thread.currentThread().getName());
        early.add(due - System.nanoTime());
      }, due);
    }
    await().atMost(LONG).until(() -> threads.size() == 5);
    assertThat(Set.copyOf(threads)).hasSize(1);
    // taken when the first was due: the others up to the window early, none before that
    assertThat(early).allMatch(e -> e <= window.toNanos());
  }

  @Test
  void aHungJobHoldsTheOthersUpAtMostTheWindow() throws Exception {
    CoalescingPool p = pool(4, Duration.ofMillis(100));
    CountDownLatch hang = new CountDownLatch(1);
    CountDownLatch hung = new CountDownLatch(1);
    Set<String> ran = ConcurrentHashMap.newKeySet();
    long now = System.nanoTime();
    p.schedule(() -> {
      hung.countDown();
      try {
        hang.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, now);
    for (int i = 0; i < 3; i++) {
      int n = i;
      p.schedule(() -> ran.add("job-" + n + "@" + Thread.currentThread().getName()), now + 1_000_000L * i);
    }
    assertThat(hung.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(LONG).until(() -> ran.size() == 3);
    hang.countDown();
    assertThat(p.threadCount()).isLessThanOrEqualTo(4);
  }

  @Test
  void aCancelledJobNeverRuns() {
    CoalescingPool p = pool(2, Duration.ofMillis(10));
    AtomicInteger cancelledRuns = new AtomicInteger();
    CountDownLatch after = new CountDownLatch(1);
    long now = System.nanoTime();
    CoalescingPool.Handle h = p.schedule(cancelledRuns::incrementAndGet, now + TimeUnit.MILLISECONDS.toNanos(200));
    h.cancel();
    p.schedule(after::countDown, now + TimeUnit.MILLISECONDS.toNanos(400));
    await().atMost(LONG).until(() -> after.getCount() == 0);
    assertThat(cancelledRuns).hasValue(0);
  }

  @Test
  void executeRunsAtOnceAndNoMoreThreadsThanAllowedRunAtOnce() throws Exception {
    CoalescingPool p = pool(2, Duration.ofMillis(50));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      p.execute(() -> {
        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        inside.decrementAndGet();
        done.incrementAndGet();
      });
    }
    await().atMost(LONG).until(() -> inside.get() == 2);
    release.countDown();
    await().atMost(LONG).until(() -> done.get() == 5);
    assertThat(most).hasValue(2);
    assertThat(p.threadCount()).isEqualTo(2);
  }

  @Test
  void shutdownInterruptsRunningJobsAndRefusesNewOnes() throws Exception {
    CoalescingPool p = pool(2, Duration.ofMillis(50));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    p.execute(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    assertThat(started.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    p.shutdownNow();
    assertThat(interrupted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.isShutdown()).isTrue();
    assertThatThrownBy(() -> p.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> p.schedule(() -> { }, System.nanoTime())).isInstanceOf(RejectedExecutionException.class);
  }
}
