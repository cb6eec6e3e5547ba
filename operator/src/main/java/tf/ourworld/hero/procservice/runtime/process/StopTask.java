package tf.ourworld.hero.procservice.runtime.process;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Sends SIGTERM now and schedules the polling (and the SIGKILL). */
  synchronized void begin(ScheduledExecutorService executor) {
    rememberDescendants();
    List<Target> targets = ProcessGroupSignals.remaining(leaderPid, leaderTicks, extras.values());
    ProcessGroupSignals.signal(targets, false);
    log.atInfo().setMessage("Sent SIGTERM").addKeyValue("event", "process_stopping").addKeyValue("process", process)
        .addKeyValue("pid", leaderPid).addKeyValue("processes", targets.size()).log();
    future = executor.scheduleWithFixedDelay(this, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
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
      rememberDescendants();
      List<Target> left = ProcessGroupSignals.remaining(leaderPid, leaderTicks, extras.values());
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
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is silently cancelled: log and try again on the next poll.
      log.atError().setMessage("Stopping failed, retrying").addKeyValue("process", process).setCause(e).log();
    }
    return false;
  }

  /** Descendants that left the session are found only through the live leader: remember them. */
  private void rememberDescendants() {
    for (Target t : ProcessGroupSignals.descendants(leaderPid, leaderTicks)) {
      extras.putIfAbsent(t.pid(), t);
    }
  }
}
