package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Runs a check once, bounded by its timeout: the watchdog closes whatever the run
 * opened when the deadline passes, so connect, send, read and exec all stop in time.
 */
final class ProbeInvoker {
  private final Watchdog watchdog;

  ProbeInvoker(Watchdog watchdog) {
    this.watchdog = watchdog;
  }

  ProbeOutcome invoke(ProbeCheck check, int timeoutSeconds) {
    long timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds) + check.timeoutAllowanceNanos();
    ProbeCall call = new ProbeCall(timeoutNanos, "timed out after " + timeoutSeconds + "s");
    long start = System.nanoTime();
    Watchdog.Entry deadline;
    try {
      deadline = watchdog.arm(timeoutNanos, call::expire);
    } catch (IllegalStateException e) {
      return new ProbeOutcome(false, "probe scheduler closed", 0);
    }
    String error = null;
    try {
      check.run(call);
    } catch (ProbeFailure e) {
      error = e.getMessage();
    } catch (IOException e) {
      error = describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    } catch (RuntimeException e) {
      error = "probe error: " + e.getClass().getSimpleName();
    } finally {
      deadline.disarm();
      call.closeAll();
    }
    long latency = System.nanoTime() - start;
    if (error != null && call.expired()) {
      // whatever the closed socket or killed process reported, the cause is the deadline
      error = call.timeoutText();
    }
    return new ProbeOutcome(error == null, error, latency);
  }

  /** Plain error text of an I/O failure (never a body or header). */
  static String describe(IOException e) {
    if (e instanceof ConnectException) {
      String m = lower(e.getMessage());
      return m.contains("refused") || m.isEmpty() ? "connection refused" : m;
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out";
    }
    if (e instanceof ClosedChannelException) {
      return "connection closed";
    }
    if (e instanceof SSLException) {
      return "TLS error";
    }
    String m = lower(e.getMessage());
    if (m.contains("connection reset")) {
      return "connection reset";
    }
    if (m.contains("broken pipe")) {
      return "connection closed while sending";
    }
    if (m.contains("network is unreachable")) {
      return "network unreachable";
    }
    return m.isEmpty() ? e.getClass().getSimpleName() : m;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
