package tf.ourworld.hero.procservice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo service over a real unix socket: health, JSON-RPC, and the poisoned "empty reply" mode. */
class DemoHttpServerTest {
  @TempDir
  Path dir;
  DemoHttpServer server;

  private Path start(DemoHttpServer.Handler handler, String socket) {
    server = new DemoHttpServer(dir, socket, dir.resolve("server.poison"), handler);
    Thread t = new Thread(() -> {
      try {
        server.serve();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    t.setDaemon(true);
    t.start();
    Path sock = dir.resolve(socket);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sock));
    return sock;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void serverAnswersHealthAndRpcDiscover() throws IOException {
    Path sock = start(new RpcHandler(), "rpc.sock");
    assertThat(exchange(sock, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
    String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"rpc.discover\"}";
    String reply = exchange(sock, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body);
    assertThat(reply).startsWith("HTTP/1.1 200 OK").contains("\"id\":7").contains("\"openrpc\":\"1.2.6\"");
    assertThat(exchange(sock, body + "\n")).contains("\"id\":7").contains("\"result\"");
    assertThat(exchange(sock, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}\n")).contains("-32601");
  }

  @Test
  void poisonedServerAcceptsButRepliesWithNothing() throws IOException {
    Path sock = start(new RpcHandler(), "rpc.sock");
    assertThat(exchange(sock, "POST /debug/poison HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")).contains("poisoned");
    assertThat(exchange(sock, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).isEmpty();
    assertThat(Files.exists(sock)).isTrue();
  }

  @Test
  void poisonFileHasTheSameEffect() throws IOException {
    Path sock = start(new UiHandler(dir.resolve("ui.flaky")), "ui.sock");
    assertThat(exchange(sock, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
    Files.createFile(dir.resolve("server.poison"));
    assertThat(exchange(sock, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).isEmpty();
  }

  @Test
  void flakyFileFailsEveryOtherHealthRequest() throws IOException {
    Path sock = start(new UiHandler(dir.resolve("ui.flaky")), "ui.sock");
    Files.createFile(dir.resolve("ui.flaky"));
    java.util.List<String> codes = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      codes.add(exchange(sock, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").substring(9, 12));
    }
    assertThat(codes).containsExactly("200", "503", "200", "503");
  }

  private static String exchange(Path sock, String request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(sock));
      ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer bb = ByteBuffer.allocate(4096);
      while (ch.read(bb) >= 0) {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
