package tf.ourworld.hero.procservice.local;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Stops every process this JVM started, directly or not. The Process runtime leaves its processes
 * running when the operator stops (so {@code run} can adopt them after a restart); {@code local}
 * must leave nothing behind, so once the operator is closed (no more restarts) it ends them:
 * SIGTERM, then SIGKILL after the grace period.
 */
public final class ChildProcesses {
  private ChildProcesses() {
  }

  /** Terminates all descendants, waiting at most {@code grace} before killing the rest; returns how many there were. */
  public static int stopAll(Duration grace) {
    List<ProcessHandle> all = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    all.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plus(grace);
    for (ProcessHandle p : all) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (!left.isNegative()) {
        try {
          p.onExit().get(left.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // killed below
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    // processes started meanwhile by a dying child (a shell wrapper, say)
    ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return all.size();
  }
}
