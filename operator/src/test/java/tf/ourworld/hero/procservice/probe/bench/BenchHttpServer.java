package tf.ourworld.hero.procservice.probe.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A tiny single-threaded NIO HTTP/1.1 server on loopback TCP and a unix socket: answers every
 * request with {@code 200 ok} and closes. Cheap enough that the probe side dominates the figures.
 */
final class BenchHttpServer implements AutoCloseable {
  private static final byte[] REPLY =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

  private final Selector selector;
  private final ServerSocketChannel tcp;
  private final ServerSocketChannel unix;
  private final Path socket;
  private final Thread thread;
  private volatile boolean running = true;

  BenchHttpServer(Path socket) throws IOException {
    this.socket = socket;
    selector = Selector.open();
    tcp = ServerSocketChannel.open();
    tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    unix.bind(UnixDomainSocketAddress.of(socket), 4096);
    for (ServerSocketChannel s : new ServerSocketChannel[] {tcp, unix}) {
      s.configureBlocking(false);
      s.register(selector, SelectionKey.OP_ACCEPT);
    }
    thread = new Thread(this::loop, "bench-server");
    thread.setDaemon(true);
    thread.start();
  }

  int port() throws IOException {
    return ((InetSocketAddress) tcp.getLocalAddress()).getPort();
  }

  private void loop() {
    while (running) {
      try {
        selector.select(100);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (key.isAcceptable()) {
              SocketChannel c;
              while ((c = ((ServerSocketChannel) key.channel()).accept()) != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(2048));
              }
            } else if (key.isReadable()) {
              read(key);
            }
          } catch (IOException e) {
            key.channel().close();
          }
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void read(SelectionKey key) throws IOException {
    SocketChannel c = (SocketChannel) key.channel();
    ByteBuffer buf = (ByteBuffer) key.attachment();
    int n = c.read(buf);
    if (n < 0) {
      c.close();
      return;
    }
    int p = buf.position();
    if (p >= 4 && buf.get(p - 4) == '\r' && buf.get(p - 3) == '\n' && buf.get(p - 2) == '\r' && buf.get(p - 1) == '\n') {
      c.write(ByteBuffer.wrap(REPLY)); // fits the socket buffer in one write
      c.close();
    } else if (!buf.hasRemaining()) {
      c.close();
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tcp.close();
    unix.close();
    selector.close();
    Files.deleteIfExists(socket);
  }
}
