package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.probe.Specs.expect;
import static tf.ourworld.hero.procservice.probe.Specs.httpGet;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Targets that try to hold or overwhelm the prober: each probe ends with a clear failure within
 * its timeout (1 s here), whatever the other side does, and reads only what it bounds.
 */
class HostileTargetProbeTest {
  /** A TCP server that reads the request line, then behaves as told, until closed. */
  static final class RawServer implements AutoCloseable {
    final ServerSocket server;
    final AtomicBoolean open = new AtomicBoolean(true);

    RawServer(Consumer<Socket> behaviour) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (open.get()) {
          try {
            Socket s = server.accept();
            Thread h = new Thread(() -> behaviour.accept(s), "hostile-conn");
            h.setDaemon(true);
            h.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "hostile-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      open.set(false);
      server.close();
    }
  }

  private static void writeForever(Socket s, byte[] first, byte[] repeated, long pauseMillis) {
    try (s; OutputStream out = s.getOutputStream()) {
      out.write(first);
      while (!s.isClosed()) {
        out.write(repeated);
        out.flush();
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis); // the hostile server's own pacing
        }
      }
    } catch (IOException | InterruptedException e) {
      // the prober hung up: exactly what it should do
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void slowlorisReplyTimesOut() throws Exception {
    try (RawServer s = new RawServer(c -> writeForever(c, ascii("HTTP/1.1 200 OK\r\n"), ascii("X"), 100))) {
      ProbeOutcome o = ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback());
      assertThat(o.success()).isFalse();
      assertThat(o.error()).containsIgnoringCase("timed out");
    }
  }

  @Test
  void endlessHeadersAreCutOff() throws Exception {
    try (RawServer s = new RawServer(c -> writeForever(c, ascii("HTTP/1.1 200 OK\r\n"), ascii("X-Junk: yyyyyyyyyyyyyyyy\r\n"), 0))) {
      ProbeOutcome o = ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback());
      assertThat(o.success()).isFalse();
      assertThat(o.error()).isNotBlank().hasSizeLessThan(300);
    }
  }

  @Test
  void anEndlessBodyIsReadOnlyUpToMaxBodyBytes() throws Exception {
    try (RawServer s = new RawServer(c -> writeForever(c,
        ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nok "), ascii("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), 0))) {
      ProbeOutcome o = ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "^ok ", 1024), loopback());
      assertThat(o.success()).as(o.error()).isTrue();
      ProbeOutcome miss = ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "never-there", 1024), loopback());
      assertThat(miss.success()).isFalse();
      assertThat(miss.error()).hasSizeLessThan(300);
    }
  }

  @Test
  void aConnectionResetIsAFailureWithItsOwnText() throws Exception {
    try (RawServer s = new RawServer(c -> {
      try (c) {
        c.getInputStream().read();
        c.setSoLinger(true, 0); // close with RST
      } catch (IOException e) {
        // done
      }
    })) {
      ProbeOutcome o = ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback());
      assertThat(o.success()).isFalse();
      assertThat(o.error()).isNotBlank();
    }
  }

  @Test
  void aCatastrophicBodyRegexIsCutOffAtTheTimeout() throws Exception {
    String body = "a".repeat(5_000) + "!";
    try (RawServer s = new RawServer(c -> writeForever(c, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body), new byte[0], 50))) {
      // Either the engine answers (Java's caches some backtracking) or the deadline cuts it off: it ends.
      ProbeOutcome o = ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "(a+)+$", 10_240), loopback());
      assertThat(o.success()).isFalse();
      assertThat(o.error()).satisfiesAnyOf(e -> assertThat(e).containsIgnoringCase("timed out"),
          e -> assertThat(e).isEqualTo("body did not match /(a+)+$/"));
      ProbeOutcome nested = ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "(a|aa|a?)+(b|c)*$x", 10_240), loopback());
      assertThat(nested.success()).isFalse();
      assertThat(nested.error()).satisfiesAnyOf(e -> assertThat(e).containsIgnoringCase("timed out"),
          e -> assertThat(e).contains("is too complex for a body of 5001 characters"),
          e -> assertThat(e).startsWith("body did not match"));
    }
  }
}
