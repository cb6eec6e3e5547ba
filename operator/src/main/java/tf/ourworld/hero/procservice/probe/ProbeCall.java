package tf.ourworld.hero.procservice.probe;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a probe: knows its deadline and closes whatever the run registered (sockets, the
 * exec'd process tree) when the deadline passes. Closing is how a blocked connect, read or wait
 * is cut short, because UNIX-domain channels have no socket read timeout.
 */
final class ProbeCall {
  private final long deadlineNanos;
  private final String timeoutText;
  private final List<Closeable> resources = new ArrayList<>(2);
  /** Kept beyond the run (a connection a check reuses): closed only if the deadline passes. */
  private final List<Closeable> guarded = new ArrayList<>(1);
  private boolean expired;

  ProbeCall(long timeoutNanos, String timeoutText) {
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
    this.timeoutText = timeoutText;
  }

  /** Registers a resource to close at the deadline (or at the end of the run). */
  synchronized <T extends Closeable> T register(T resource) throws ProbeFailure {
    if (expired) {
      closeQuietly(resource);
      throw new ProbeFailure(timeoutText);
    }
    resources.add(resource);
    return resource;
  }

  /** Guards a resource that outlives the run: closed at the deadline, left open when the run ends in time. */
  synchronized <T extends Closeable> T guard(T resource) throws ProbeFailure {
    if (expired) {
      closeQuietly(resource);
      throw new ProbeFailure(timeoutText);
    }
    guarded.add(resource);
    return resource;
  }

  /** Nanoseconds left before the deadline, at least 1 ms so blocking APIs do not mean "forever". */
  long remainingNanos() {
    return Math.max(1_000_000L, deadlineNanos - System.nanoTime());
  }

  int remainingMillis() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, remainingNanos() / 1_000_000L));
  }

  synchronized boolean expired() {
    return expired;
  }

  String timeoutText() {
    return timeoutText;
  }

  /** Called by the watchdog at the deadline. */
  void expire() {
    List<Closeable> toClose;
    synchronized (this) {
      expired = true;
      toClose = new ArrayList<>(resources);
      toClose.addAll(guarded);
    }
    toClose.forEach(ProbeCall::closeQuietly);
  }

  /** Called when the run ends. */
  void closeAll() {
    List<Closeable> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(resources);
      resources.clear();
      guarded.clear();
    }
    toClose.forEach(ProbeCall::closeQuietly);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // closing is best effort: the run already has its verdict
    }
  }
}
