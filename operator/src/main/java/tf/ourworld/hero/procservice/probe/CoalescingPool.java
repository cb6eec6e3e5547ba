package tf.ourworld.hero.procservice.probe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs delayed jobs on at most {@code maxThreads} threads, waking as few threads as it can. A
 * thread wakes up with a cost of its own (a few hundred microseconds of CPU on a small VM, more than
 * a loopback connect: docs/benchmarks.md), so jobs are run in batches, as monit runs its checks:
 *
 * <ul>
 *   <li>one <em>leader</em> thread waits for the first job's due time, then takes every job due
 *       within the next {@link #windowNanos} with it (they run up to that much early, never late);
 *   <li>one thread runs such a batch job after job; another is woken only when a job has waited
 *       {@link #windowNanos} behind it, or every running job has run that long (the running one is
 *       slow or hangs on a dead target), so a hung job delays the others by at most the window;
 *   <li>a thread that runs gives up leadership to an idle one (one wake-up per batch), a thread
 *       with nothing to do becomes the leader again or waits untimed.
 * </ul>
 *
 * <p>A {@code ScheduledThreadPoolExecutor} instead wakes two threads per job (the one that runs it
 * and the follower it promotes).
 */
final class CoalescingPool {
  /** A scheduled job; cancelling it keeps it from running (it leaves the queue when due). */
  interface Handle {
    void cancel();
  }

  private final class Job implements Handle, Comparable<Job> {
    final long due;
    final long order;
    final Runnable action;
    boolean cancelled;
    long readyAt;

    Job(long due, long order, Runnable action) {
      this.due = due;
      this.order = order;
      this.action = action;
    }

    @Override
    public void cancel() {
      lock.lock();
      try {
        cancelled = true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int compareTo(Job o) {
      int c = Long.compare(due - o.due, 0);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition leaderWake = lock.newCondition();
  private final Condition followerWake = lock.newCondition();
  private final PriorityQueue<Job> delayed = new PriorityQueue<>();
  private final ArrayDeque<Job> ready = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private final int maxThreads;
  private final long windowNanos;
  private final ThreadFactory factory;
  private Thread leader;
  /** When the leader wakes by itself; Long.MAX_VALUE while it waits untimed. */
  private long leaderDeadline = Long.MAX_VALUE;
  private int idle;
  private int permits;
  /** When each running thread started its job: one running longer than the window is not waited for. */
  private final java.util.Map<Thread, Long> running = new java.util.HashMap<>();
  private long orders;
  private boolean shutdown;

  /**
   * @param maxThreads at most this many run at once
   * @param window how early a job may run to share a wake-up, and how long ready jobs wait behind a
   *     running one before another thread is woken for them
   */
  CoalescingPool(int maxThreads, long window, TimeUnit unit, ThreadFactory factory) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
    }
    this.maxThreads = maxThreads;
    this.windowNanos = unit.toNanos(window);
    this.factory = factory;
  }

  /** Runs action at dueNanos ({@link System#nanoTime()}) or up to the window earlier. */
  Handle schedule(Runnable action, long dueNanos) {
    lock.lock();
    try {
      checkOpen();
      Job job = new Job(dueNanos, orders++, action);
      delayed.add(job);
      if (leader == null) {
        ensureLeader();
      } else if (leaderDeadline == Long.MAX_VALUE || dueNanos - leaderDeadline < 0) {
        leaderWake.signal(); // earlier than the leader means to wake
      }
      return job;
    } finally {
      lock.unlock();
    }
  }

  /** Runs action as soon as a thread is free for it (at once when none is running). */
  void execute(Runnable action) {
    lock.lock();
    try {
      checkOpen();
      Job job = new Job(System.nanoTime(), orders++, action);
      job.readyAt = job.due;
      ready.add(job);
      if (leader != null) {
        leaderWake.signal(); // the leader runs it, or times the hand-off if another one is running
      } else {
        ensureLeader();
      }
    } finally {
      lock.unlock();
    }
  }

  boolean isShutdown() {
    lock.lock();
    try {
      return shutdown;
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking jobs, drops the queued ones and interrupts the running ones. */
  void shutdownNow() {
    lock.lock();
    try {
      shutdown = true;
      delayed.clear();
      ready.clear();
      leaderWake.signalAll();
      followerWake.signalAll();
      threads.forEach(Thread::interrupt);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every thread has ended, at most timeout; true when they have. */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    List<Thread> all;
    lock.lock();
    try {
      all = List.copyOf(threads);
    } finally {
      lock.unlock();
    }
    for (Thread t : all) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /** Threads alive (they end only at shutdown, or when an Error escapes a job). */
  int threadCount() {
    lock.lock();
    try {
      return threads.size();
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("pool shut down");
    }
  }

  /** Guarded by lock: someone must time the queue; wake an idle thread or start one. */
  private void ensureLeader() {
    if (leader != null || shutdown || (delayed.isEmpty() && ready.isEmpty())) {
      return;
    }
    if (idle - permits > 0) {
      permits++;
      followerWake.signal();
    } else if (threads.size() < maxThreads) {
      Thread t = factory.newThread(this::work);
      threads.add(t);
      t.start();
    }
    // else every thread is running: the first to finish takes the lead
  }

  /** Guarded by lock: the next ready job this thread may run now, or null. */
  private Job runnable(long now) {
    while (!ready.isEmpty()) {
      Job head = ready.peekFirst();
      if (head.cancelled) {
        ready.pollFirst();
        continue;
      }
      return freshRunners(now) == 0 || now - head.readyAt - windowNanos >= 0 ? ready.pollFirst() : null;
    }
    return null;
  }

  /** Guarded by lock: threads running a job they started less than the window ago. */
  private int freshRunners(long now) {
    int n = 0;
    for (long started : running.values()) {
      if (now - started - windowNanos < 0) {
        n++;
      }
    }
    return n;
  }

  /** Guarded by lock: the latest start among the running jobs (now when none runs). */
  private long latestFreshStart(long now) {
    long latest = now - windowNanos;
    for (long started : running.values()) {
      if (started - latest > 0) {
        latest = started;
      }
    }
    return latest;
  }

  /** Guarded by lock: moves what is due within the window from delayed to ready. */
  private void moveDue(long now) {
    Job head;
    while ((head = delayed.peek()) != null && head.due - now - windowNanos <= 0) {
      delayed.poll();
      if (!head.cancelled) {
        head.readyAt = now;
        ready.add(head);
      }
    }
  }

  private void work() {
    Thread me = Thread.currentThread();
    lock.lock();
    try {
      while (!shutdown) {
        long now = System.nanoTime();
        if (leader == me) {
          moveDue(now);
        }
        Job job = runnable(now);
        if (job != null) {
          if (leader == me) {
            leader = null;
            leaderDeadline = Long.MAX_VALUE;
          }
          ensureLeader();
          running.put(me, now);
          lock.unlock();
          try {
            job.action.run();
          } catch (RuntimeException e) {
            // a job's own failure is its business (ProbeScheduler's runs catch everything)
          } finally {
            lock.lock();
            running.remove(me);
          }
          Thread.interrupted(); // an interrupt meant for the job, not for the pool
          continue;
        }
        if (leader == null) {
          leader = me;
          continue; // move what is due first
        }
        if (leader == me) {
          // wake when the first job is due, and take with it all that is due within the window
          long deadline = delayed.isEmpty() ? Long.MAX_VALUE : delayed.peek().due;
          Job waiting = ready.peekFirst();
          if (waiting != null) {
            // ready jobs are taken when they have waited the window, or when every running job has run that long
            long handoff = Math.min(waiting.readyAt - now, latestFreshStart(now) - now) + now + windowNanos;
            deadline = deadline == Long.MAX_VALUE || handoff - deadline < 0 ? handoff : deadline;
          }
          leaderDeadline = deadline;
          try {
            if (deadline == Long.MAX_VALUE) {
              leaderWake.await();
            } else if (deadline - now > 0) {
              leaderWake.awaitNanos(deadline - now);
            }
          } catch (InterruptedException e) {
            // shutdownNow, or a stray interrupt: look again
          }
          leaderDeadline = Long.MAX_VALUE;
          continue;
        }
        idle++;
        try {
          while (permits == 0 && !shutdown) {
            followerWake.await();
          }
        } catch (InterruptedException e) {
          // shutdownNow, or a stray interrupt: look again
        } finally {
          idle--;
          if (permits > 0) {
            permits--;
          }
        }
      }
    } finally {
      if (leader == me) {
        leader = null;
        leaderDeadline = Long.MAX_VALUE;
      }
      if (!shutdown) {
        // An Error out of a job ends this thread: it no longer counts against maxThreads, and
        // another one takes the lead, so the queue is never left without a thread to time it.
        threads.remove(me);
        ensureLeader();
      }
      lock.unlock();
    }
  }

}
