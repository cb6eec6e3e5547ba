package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.probe.Specs.expect;
import static tf.ourworld.hero.procservice.probe.Specs.httpGet;
import static tf.ourworld.hero.procservice.probe.Specs.httpGetUnix;
import static tf.ourworld.hero.procservice.probe.Specs.inDir;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.HttpHeader;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.TestServer.Framing;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

class HttpGetProbeTest {
  @TempDir
  Path dir;

  @Test
  void passesOn200OverTcp() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(200, "ok"))) {
      ProbeOutcome o = ProbeChecks.runOnce(httpGet(s.port(), "/health"), loopback());
      assertThat(o.success()).as(o.error()).isTrue();
      assertThat(s.requests().get(0)).startsWith("GET /health HTTP/1.1\r\n").contains("Host: 127.0.0.1:" + s.port());
    }
  }

  @Test
  void passesOverAUnixSocket() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("ui.sock"), Framing.HTTP, r -> Reply.http(200, "{\"ok\":true}"))) {
      ProbeOutcome o = ProbeChecks.runOnce(expect(httpGetUnix("ui.sock", "/health"), "\"ok\":true", null), inDir(dir));
      assertThat(o.success()).as(o.error()).isTrue();
      assertThat(s.requests().get(0)).contains("Host: localhost");
    }
  }

  @Test
  void missingSocketFile() {
    ProbeOutcome o = ProbeChecks.runOnce(httpGetUnix("ui.sock", "/health"), inDir(dir));
    assertThat(o.success()).isFalse();
    assertThat(o.error()).isEqualTo("no such socket ui.sock");
  }

  @Test
  void emptyReplyWhenTheHandlerClosesAfterReadingTheRequest() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/health"), loopback()).error()).contains("empty reply");
    }
  }

  @Test
  void emptyReplyWhenTheListenerClosesWithoutReading() throws Exception {
    try (TestServer s = TestServer.tcp(Framing.NONE, r -> Reply.CLOSE)) {
      for (int i = 0; i < 20; i++) { // the race between our write and their close goes either way
        assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback()).error()).contains("empty reply");
      }
    }
  }

  @Test
  void emptyReplyOverAUnixSocket() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.HTTP, r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(httpGetUnix("rpc.sock", "/health"), inDir(dir)).error())
          .isEqualTo("empty reply");
    }
  }

  @Test
  void timesOutWhenTheHandlerNeverAnswers() throws Exception {
    try (TestServer s = TestServer.unix(dir.resolve("rpc.sock"), Framing.HTTP, r -> Reply.HANG)) {
      assertThat(ProbeChecks.runOnce(httpGetUnix("rpc.sock", "/health"), inDir(dir)).error())
          .isEqualTo("timed out after 1s");
    }
    try (TestServer s = TestServer.http(r -> Reply.HANG)) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/health"), loopback()).error())
          .isEqualTo("timed out after 1s");
    }
  }

  @Test
  void connectionRefusedOnTcpAndOnAStaleSocketFile() throws Exception {
    int port;
    try (ServerSocketChannel ch = ServerSocketChannel.open()) {
      ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }
    assertThat(ProbeChecks.runOnce(httpGet(port, "/"), loopback()).error()).isEqualTo("connection refused");
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(dir.resolve("stale.sock"))); // file stays after close
    }
    assertThat(ProbeChecks.runOnce(httpGetUnix("stale.sock", "/"), inDir(dir)).error())
        .isEqualTo("connection refused");
  }

  @Test
  void http500Fails() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(500, "secret stack trace"))) {
      ProbeOutcome o = ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback());
      assertThat(o.error()).isEqualTo("HTTP 500");
    }
  }

  @Test
  void bodyMismatchAndMatch() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(200, "status: degraded"))) {
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "ok", null), loopback()).error())
          .isEqualTo("body did not match /ok/");
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "deg.aded", null), loopback()).success()).isTrue();
    }
  }

  @Test
  void onlyTheFirstMaxBodyBytesAreMatched() throws Exception {
    String body = "x".repeat(100) + "ok";
    try (TestServer s = TestServer.http(r -> Reply.http(200, body))) {
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "ok", 100), loopback()).error())
          .isEqualTo("body did not match /ok/");
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "ok", 102), loopback()).success()).isTrue();
    }
  }

  @Test
  void chunkedAndReadUntilCloseBodies() throws Exception {
    String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
    try (TestServer s = TestServer.http(r -> Reply.raw(chunked))) {
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "^abcdefg$", null), loopback()).success()).isTrue();
    }
    try (TestServer s = TestServer.http(r -> Reply.raw("HTTP/1.0 200 OK\r\n\r\nall the way to the end"))) {
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), "the end$", null), loopback()).success()).isTrue();
    }
    try (TestServer s = TestServer.http(r -> Reply.raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"))) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback()).success()).isTrue();
    }
  }

  @Test
  void garbageAndTruncatedReplies() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.raw("SSH-2.0-OpenSSH\r\n"))) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback()).error()).startsWith("malformed HTTP reply");
    }
    try (TestServer s = TestServer.http(r -> Reply.raw("HTTP/1.1 200 OK\r\nContent-Len"))) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback()).error()).isEqualTo("connection closed mid-reply");
    }
  }

  @Test
  void statusCodeRanges() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(302, "", "Location: /login"))) {
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), null, null, "200-299"), loopback()).error())
          .isEqualTo("HTTP 302");
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), null, null, "200", "300-302"), loopback())
          .success()).isTrue();
    }
    try (TestServer s = TestServer.http(r -> Reply.http(401, ""))) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/"), loopback()).error()).isEqualTo("HTTP 401");
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/"), null, null, "401"), loopback()).success()).isTrue();
    }
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    try (TestServer s = TestServer.http(r -> r.startsWith("GET /start ")
        ? Reply.http(301, "", "Location: /next") : Reply.http(500, ""))) {
      assertThat(ProbeChecks.runOnce(httpGet(s.port(), "/start"), loopback()).success()).isTrue();
      assertThat(ProbeChecks.runOnce(expect(httpGet(s.port(), "/start"), null, null, "200"), loopback()).error())
          .isEqualTo("HTTP 301");
      assertThat(s.requests()).hasSize(2).allMatch(r -> r.startsWith("GET /start "));
    }
  }

  @Test
  void headersAreSentAndHostCanBeOverridden() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(200, ""))) {
      ProbeSpec spec = httpGet(s.port(), "/h?x=1");
      spec.getHttpGet().setHttpHeaders(List.of(new HttpHeader("X-Probe", "yes"), new HttpHeader("Host", "svc.local")));
      assertThat(ProbeChecks.runOnce(spec, loopback()).success()).isTrue();
      String request = s.requests().get(0);
      assertThat(request).startsWith("GET /h?x=1 HTTP/1.1\r\n").contains("\r\nX-Probe: yes\r\n")
          .contains("\r\nHost: svc.local\r\n").doesNotContain("Host: 127.0.0.1").contains("Connection: close");
    }
  }

  @Test
  void namedPortOfTheProcess() throws Exception {
    try (TestServer s = TestServer.http(r -> Reply.http(200, ""))) {
      ProbeSpec spec = httpGet(1, "/");
      spec.getHttpGet().setPort(new IntOrString("web"));
      ProbeTarget target = new ProbeTarget("127.0.0.1", null, List.of(), Map.of("web", s.port()), null);
      assertThat(ProbeChecks.runOnce(spec, target).success()).isTrue();
      assertThat(ProbeChecks.runOnce(spec, loopback()).error())
          .isEqualTo("invalid probe: httpGet.port: 'web' is not a named port of the process");
    }
  }

  @Test
  void anEscapingSocketPathIsAnInvalidProbe() {
    ProbeOutcome o = ProbeChecks.runOnce(httpGetUnix("../x.sock", "/"), inDir(dir));
    assertThat(o.error()).isEqualTo("invalid probe: httpGet.unixSocket ../x.sock must not contain '..'");
  }

  @Test
  void aSocketSwappedForASymlinkOutOfTheDirIsRefusedAtRunTime() throws Exception {
    Path outside = java.nio.file.Files.createDirectories(dir.resolve("../outside-" + System.nanoTime()).normalize());
    Path svc = java.nio.file.Files.createDirectories(dir.resolve("svc"));
    try (TestServer inside = TestServer.unix(svc.resolve("rpc.sock"), Framing.HTTP, r -> Reply.http(200, ""));
        TestServer other = TestServer.unix(outside.resolve("other.sock"), Framing.HTTP, r -> Reply.http(200, ""))) {
      ProbeCheck check = ProbeChecks.compile(httpGetUnix("rpc.sock", "/"), inDir(svc));
      ProbeInvoker invoker = new ProbeInvoker(new Watchdog("test-watchdog"));
      assertThat(invoker.invoke(check, 1).success()).isTrue();
      java.nio.file.Files.delete(svc.resolve("rpc.sock"));
      java.nio.file.Files.createSymbolicLink(svc.resolve("rpc.sock"), outside.resolve("other.sock"));
      assertThat(invoker.invoke(check, 1).error()).isEqualTo("unixSocket rpc.sock escapes the runtime dir through a symlink");
      assertThat(other.connections()).isZero();
    } finally {
      java.nio.file.Files.deleteIfExists(outside.resolve("other.sock"));
      java.nio.file.Files.deleteIfExists(outside);
    }
  }

  @Test
  void tcpSocketProbe() throws Exception {
    try (TestServer s = TestServer.tcp(Framing.NONE, r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(Specs.tcp(s.port()), loopback()).success()).isTrue();
    }
    try (TestServer s = TestServer.unix(dir.resolve("t.sock"), Framing.NONE, r -> Reply.CLOSE)) {
      assertThat(ProbeChecks.runOnce(Specs.tcpUnix("t.sock"), inDir(dir)).success()).isTrue();
    }
    assertThat(ProbeChecks.runOnce(Specs.tcpUnix("t.sock"), inDir(dir)).error()).isEqualTo("no such socket t.sock");
  }

  @Test
  void requestBytesAreAsciiHttp11() {
    byte[] req = HttpExchange.request("GET", "h:1", "/", List.of(), null, null);
    assertThat(new String(req, StandardCharsets.US_ASCII))
        .isEqualTo("GET / HTTP/1.1\r\nHost: h:1\r\nUser-Agent: procservice-probe/1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  }
}
