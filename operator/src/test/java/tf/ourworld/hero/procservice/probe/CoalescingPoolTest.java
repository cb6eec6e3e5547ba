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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Hunts lost wake-ups: several submitters schedule, execute and cancel jobs at random dues, some
   * jobs are slower than the window, some throw, an Error ends a thread, and a stray interrupter
   * hits the pool's threads (as a probe watchdog does). Rounds alternate with quiet spells in which
   * every thread parks, and each round must drain completely: every job not cancelled runs exactly
   * once, none before its due time minus the window, never more than maxThreads at once.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void noJobIsLostUnderConcurrentSchedulingCancellingInterruptsAndErrors(int maxThreads) throws Exception {
    long window = TimeUnit.MILLISECONDS.toNanos(20);
    Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
    AtomicInteger uncaught = new AtomicInteger();
    pool = new CoalescingPool(maxThreads, window, TimeUnit.NANOSECONDS, r -> {
      Thread t = new Thread(r, "stress-" + names.incrementAndGet());
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((th, e) -> uncaught.incrementAndGet());
      poolThreads.add(t);
      return t;
    });
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicBoolean interrupting = new AtomicBoolean(true);
    AtomicBoolean quiet = new AtomicBoolean();
    Thread interrupter = new Thread(() -> {
      java.util.Random random = new java.util.Random(7);
      while (interrupting.get()) {
        for (Thread t : poolThreads) {
          if (!quiet.get() && random.nextInt(8) == 0) {
            t.interrupt();
          }
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300 + random.nextInt(700)));
      }
    }, "stress-interrupter");
    interrupter.setDaemon(true);
    interrupter.start();
    int errors = 0;
    try {
      for (int round = 0; round < 6; round++) {
        int perSubmitter = 150;
        int submitters = 4;
        AtomicInteger[] runs = new AtomicInteger[perSubmitter * submitters];
        boolean[] cancelled = new boolean[runs.length];
        CountDownLatch submitted = new CountDownLatch(submitters);
        int roundNo = round;
        boolean errorThisRound = round % 2 == 1;
        if (errorThisRound) {
          errors++;
        }
        for (int s = 0; s < submitters; s++) {
          int base = s * perSubmitter;
          boolean throwsError = errorThisRound && s == 0;
          Thread submitter = new Thread(() -> {
            java.util.Random random = new java.util.Random(31L * roundNo + base);
            for (int i = 0; i < perSubmitter; i++) {
              int id = base + i;
              runs[id] = new AtomicInteger();
              long due = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(random.nextInt(150_000));
              int kind = random.nextInt(100);
              boolean last = throwsError && i == perSubmitter - 1;
              Runnable job = () -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                  if (kind < 90 && System.nanoTime() - (due - window) < 0) {
                    violations.add("job " + id + " ran before its window");
                  }
                  runs[id].incrementAndGet();
                  if (last) {
                    throw new AssertionError("an Error out of a job ends its thread");
                  }
                  if (kind < 5) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30)); // slower than the window
                  } else if (kind < 7) {
                    throw new IllegalStateException("a job that fails");
                  }
                } finally {
                  inside.decrementAndGet();
                }
              };
              if (kind >= 90) {
                pool.execute(job);
              } else {
                CoalescingPool.Handle handle = pool.schedule(job, due);
                if (kind >= 80 && !last) {
                  LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(2000)));
                  if (runs[id].get() == 0) {
                    handle.cancel();
                    cancelled[id] = true;
                  }
                }
              }
              if (random.nextInt(10) == 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(5000)));
              }
            }
            submitted.countDown();
          }, "stress-submitter-" + s);
          submitter.start();
        }
        assertThat(submitted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(LONG).untilAsserted(() -> {
          for (int id = 0; id < runs.length; id++) {
            if (!cancelled[id]) {
              assertThat(runs[id].get()).as("runs of job %d in round %d", id, roundNo).isEqualTo(1);
            }
          }
        });
        for (int id = 0; id < runs.length; id++) {
          assertThat(runs[id].get()).as("runs of job %d in round %d", id, roundNo).isLessThanOrEqualTo(1);
        }
        // a quiet spell without interrupts (they would mask a lost wake-up): every thread parks
        // untimed, the leader too (nothing left to time, the cancelled jobs included), then one job
        quiet.set(true);
        for (boolean scheduled : new boolean[] {true, false}) {
          await().atMost(LONG).until(() -> inside.get() == 0 && poolThreads.stream().filter(Thread::isAlive)
              .allMatch(t -> t.getState() == Thread.State.WAITING));
          CountDownLatch single = new CountDownLatch(1);
          if (scheduled) {
            pool.schedule(single::countDown, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30));
          } else {
            pool.execute(single::countDown);
          }
          assertThat(single.await(LONG.toSeconds(), TimeUnit.SECONDS))
              .as("a job %s on a quiet pool, round %d", scheduled ? "scheduled" : "executed", round).isTrue();
        }
        quiet.set(false);
      }
    } finally {
      interrupting.set(false);
      interrupter.join();
    }
    assertThat(violations).isEmpty();
    assertThat(most.get()).isLessThanOrEqualTo(maxThreads);
    int expectedErrors = errors;
    await().atMost(LONG).untilAsserted(() -> assertThat(uncaught).hasValue(expectedErrors));
    assertThat(pool.threadCount()).isLessThanOrEqualTo(maxThreads);
  }
}
