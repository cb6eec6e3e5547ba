package tf.ourworld.hero.procservice.runtime.process;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.runtime.process.ProcessGroupSignals.Target;

/**
 * Stops one started process and everything it left: SIGTERM to the session, group and known
 * descendants, SIGKILL to what is left after the grace period, then polls until nothing is left
 * and reports back. Runs on the runtime's scheduler, never blocking a caller.
 */
final class StopTask implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StopTask.class);
  static final Duration POLL = Duration.ofMillis(100);

  final String process;
  final long leaderPid;
  final long leaderTicks;
  /** True for stop/restart (the process shows Stopping); false for cleaning up after a crash. */
  final boolean deliberate;
  /** What to do once everything is gone (start again for a restart); null for none. */
  volatile Runnable then;

  private final Consumer<StopTask> onDone;
  private final Map<Long, Target> extras = new LinkedHashMap<>();
  private final long deadlineNanos;
  private boolean killed;
  private boolean termSent;
  /** pid/startTicks of each process sent SIGTERM. */
  private final Set<String> termed = new HashSet<>();
  /** When the read of /proc the previous poll used was asked for. */
  private long lastReadNanos;
  private boolean done;
  private ScheduledFuture<?> future;

  StopTask(String process, long leaderPid, long leaderTicks, boolean deliberate, Duration grace,
      Consumer<StopTask> onDone) {
    this.process = process;
    this.leaderPid = leaderPid;
    this.leaderTicks = leaderTicks;
    this.deliberate = deliberate;
    this.deadlineNanos = System.nanoTime() + grace.toNanos();
    this.onDone = onDone;
  }

  /**
   * Starts the stop on the executor (never on the caller's thread: finding the members reads
   * /proc): SIGTERM to everything found, then a poll every {@link #POLL} (and the SIGKILL).
   */
  synchronized void begin(ScheduledExecutorService executor) {
    lastReadNanos = System.nanoTime() - POLL.toNanos();
    future = executor.scheduleWithFixedDelay(this, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    if (poll()) {
      // Outside this task's lock: the callback takes the supervisor's lock.
      onDone.accept(this);
    }
  }

  /** One poll; true exactly once, when nothing is left. */
  private synchronized boolean poll() {
    if (done) {
      return false;
    }
    try {
      // A read of /proc from after the previous poll, shared with the other stops running now.
      long now = System.nanoTime();
      ProcTable table = ProcTable.since(lastReadNanos);
      lastReadNanos = now;
      rememberDescendants(table);
      List<Target> left = ProcessGroupSignals.remaining(leaderPid, leaderTicks, extras.values(), table);
      if (left.isEmpty()) {
        done = true;
        future.cancel(false);
        return true;
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        // Once past the grace, SIGKILL again on each poll: catches anything forked meanwhile.
        ProcessGroupSignals.signal(left, true);
        if (!killed) {
          killed = true;
          log.atWarn().setMessage("Grace period over, sent SIGKILL").addKeyValue("event", "process_killed")
              .addKeyValue("process", process).addKeyValue("pid", leaderPid).addKeyValue("processes", left.size())
              .log();
        }
      } else {
        // SIGTERM once to each process, the first poll's and any that turned up since.
        List<Target> fresh = left.stream().filter(t -> termed.add(t.pid() + "/" + t.startTicks())).toList();
        ProcessGroupSignals.signal(fresh, false);
        if (!fresh.isEmpty() && !termSent) {
          termSent = true;
          log.atInfo().setMessage("Sent SIGTERM").addKeyValue("event", "process_stopping").addKeyValue("process", process)
              .addKeyValue("pid", leaderPid).addKeyValue("processes", fresh.size()).log();
        }
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is silently cancelled: log and try again on the next poll.
      log.atError().setMessage("Stopping failed, retrying").addKeyValue("process", process).setCause(e).log();
    }
    return false;
  }

  /** Descendants that left the session are found only through the live leader: remember them. */
  private void rememberDescendants(ProcTable table) {
    for (Target t : ProcessGroupSignals.descendants(leaderPid, leaderTicks, table)) {
      extras.putIfAbsent(t.pid(), t);
    }
  }
}
