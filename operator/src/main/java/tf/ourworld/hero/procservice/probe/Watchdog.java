package tf.ourworld.hero.procservice.probe;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fires the deadline of each probe run. Unlike a ScheduledExecutorService it never wakes its
 * thread when a deadline is added: the thread looks again at least every {@link #MAX_SLEEP_NANOS}
 * (no longer than the shortest probe timeout, 1 s), so every deadline is seen before it is due,
 * and arming and disarming a run costs no thread wake-up. Disarmed entries are dropped lazily.
 */
public final class Watchdog implements AutoCloseable {
  static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** One armed deadline. */
  static final class Entry {
    final long deadline;
    volatile Runnable action;

    Entry(long deadline, Runnable action) {
      this.deadline = deadline;
      this.action = action;
    }

    /** Drops the action (and what it holds, the run's closed sockets) long before the entry leaves the queue. */
    void disarm() {
      action = null;
    }
  }

  private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final Thread thread;
  private volatile boolean closed;

  public Watchdog(String threadName) {
    thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code action} at {@code delayNanos} from now unless disarmed first. Delays must be at
   * least {@link #MAX_SLEEP_NANOS} minus a little to be exact (probe timeouts are at least 1 s);
   * shorter ones fire up to that late.
   */
  Entry arm(long delayNanos, Runnable action) {
    if (closed) {
      throw new IllegalStateException("watchdog closed");
    }
    Entry e = new Entry(System.nanoTime() + delayNanos, action);
    synchronized (queue) {
      queue.add(e);
    }
    return e;
  }

  private void loop() {
    while (!closed) {
      Entry due = null;
      long sleep = MAX_SLEEP_NANOS;
      synchronized (queue) {
        long now = System.nanoTime();
        Entry head;
        while ((head = queue.peek()) != null) {
          if (head.action == null) {
            queue.poll();
          } else if (head.deadline - now <= 0) {
            due = queue.poll();
            break;
          } else {
            sleep = Math.min(sleep, head.deadline - now);
            break;
          }
        }
      }
      Runnable action = due == null ? null : due.action;
      if (due != null) {
        try {
          if (action != null) {
            action.run();
          }
        } catch (RuntimeException ignored) {
          // expiring a call is best effort; the run itself reports the timeout
        }
        continue;
      }
      LockSupport.parkNanos(this, sleep);
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
