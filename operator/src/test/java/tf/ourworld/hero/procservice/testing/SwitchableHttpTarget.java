package tf.ourworld.hero.procservice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on loopback TCP that answers 200 "ok", or — switched — behaves like the
 * seed's broken hero_foundry: it still accepts connections but closes them without a byte.
 */
public final class SwitchableHttpTarget implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;
  private volatile boolean emptyReplies;
  public final AtomicInteger requests = new AtomicInteger();

  public SwitchableHttpTarget() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "http-target");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** True: accept and close without a byte, like the seed's hero_foundry. */
  public void emptyReplies(boolean on) {
    emptyReplies = on;
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        requests.incrementAndGet();
        if (emptyReplies) {
          continue;
        }
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int total = 0;
        while (total < buf.length) {
          int n = in.read(buf, total, buf.length - total);
          if (n < 0) {
            break;
          }
          total += n;
          if (new String(buf, 0, total, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            break;
          }
        }
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // a closed server ends the loop; a broken client connection is the client's problem
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
