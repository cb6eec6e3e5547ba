package tf.ourworld.hero.procservice.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real server on loopback TCP or a unix socket, answering each connection with a handler. */
final class TestServer implements AutoCloseable {

  /** What the server does with a request (the raw request text). */
  interface Handler {
    Reply reply(String request);
  }

  /** A reply: bytes to write then close; {@link #CLOSE} closes without a byte; {@link #HANG} never answers. */
  record Reply(byte[] bytes) {
    static final Reply CLOSE = new Reply(null);
    static final Reply HANG = new Reply(new byte[0]);

    static Reply http(int status, String body, String... headers) {
      StringBuilder sb = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
      for (String h : headers) {
        sb.append(h).append("\r\n");
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      sb.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n").append(body);
      return new Reply(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Reply raw(String text) {
      return new Reply(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** How a request ends: an HTTP head (+ Content-Length body), a newline, or not read at all. */
  enum Framing { HTTP, LINE, NONE }

  private final ServerSocketChannel server;
  private final Handler handler;
  private final Framing framing;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-server");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Path socket;

  private TestServer(ServerSocketChannel server, Path socket, Framing framing, Handler handler) {
    this.server = server;
    this.socket = socket;
    this.framing = framing;
    this.handler = handler;
    threads.execute(this::acceptLoop);
  }

  static TestServer tcp(Framing framing, Handler handler) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    return new TestServer(s, null, framing, handler);
  }

  static TestServer unix(Path path, Framing framing, Handler handler) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path), 512);
    return new TestServer(s, path, framing, handler);
  }

  static TestServer http(Handler handler) throws IOException {
    return tcp(Framing.HTTP, handler);
  }

  int port() {
    try {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> requests() {
    return requests;
  }

  int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(c));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c) {
      String request = framing == Framing.NONE ? "" : read(c);
      if (framing != Framing.NONE) {
        requests.add(request);
      }
      Reply reply = handler.reply(request);
      if (reply == Reply.HANG) {
        closed.await();
        return;
      }
      if (reply.bytes() != null) {
        ByteBuffer buf = ByteBuffer.wrap(reply.bytes());
        while (buf.hasRemaining()) {
          c.write(buf);
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away: nothing to do
    }
  }

  private String read(SocketChannel c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (c.read(buf) > 0) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
      String s = out.toString(StandardCharsets.UTF_8);
      if (framing == Framing.LINE && s.indexOf('\n') >= 0) {
        return s;
      }
      int end = s.indexOf("\r\n\r\n");
      if (framing == Framing.HTTP && end >= 0) {
        int length = 0;
        for (String line : s.substring(0, end).split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (out.size() >= end + 4 + length) {
          return s;
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    threads.shutdownNow();
    if (socket != null) {
      Files.deleteIfExists(socket);
    }
  }
}
