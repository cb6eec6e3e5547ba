package tf.ourworld.hero.procservice.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A minimal HTTP/1.1 server on a unix domain socket (JDK NIO, no library): one request per
 * connection, {@code Connection: close}. A request starting with '{' instead of a request line is
 * taken as raw JSON-RPC and answered with one JSON line.
 */
final class DemoHttpServer implements AutoCloseable {
  private static final int MAX_REQUEST = 1 << 20;

  /** A parsed request. */
  record Request(String method, String path, Map<String, String> headers, String body) {
  }

  /** A response to write. */
  record Response(int code, String contentType, String body) {
    static Response text(int code, String body) {
      return new Response(code, "text/plain; charset=utf-8", body);
    }
  }

  /** What a mode serves. */
  interface Handler {
    Response handle(Request request);

    /** A raw (non-HTTP) JSON-RPC request; null when unsupported. */
    default String handleRaw(String json) {
      return null;
    }
  }

  private final Path socket;
  private final Path poisonFile;
  private final Handler handler;
  private final AtomicBoolean poisoned = new AtomicBoolean();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "demo-conn");
    t.setDaemon(true);
    return t;
  });
  private ServerSocketChannel server;

  DemoHttpServer(Path dir, String socketName, Path poisonFile, Handler handler) {
    this.socket = dir.resolve(socketName);
    this.poisonFile = poisonFile;
    this.handler = handler;
  }

  /** Binds the socket (replacing a stale file) and serves until closed. */
  void serve() throws IOException {
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    // Bind relative to the working directory when possible: sun_path holds only 107 bytes.
    Path cwd = Path.of("").toAbsolutePath();
    Path bindPath = socket.getParent().equals(cwd) ? socket.getFileName() : socket;
    server.bind(UnixDomainSocketAddress.of(bindPath));
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
        throw e;
      }
      workers.execute(() -> serve(ch));
    }
  }

  private boolean isPoisoned() {
    return poisoned.get() || Files.exists(poisonFile);
  }

  private void serve(SocketChannel ch) {
    try (ch) {
      byte[] raw = readRequest(ch);
      if (isPoisoned()) {
        // The seed's incident 2: the listener accepts and reads, the handler answers nothing.
        return;
      }
      if (raw.length == 0) {
        return;
      }
      String text = new String(raw, StandardCharsets.UTF_8);
      if (text.stripLeading().startsWith("{")) {
        String reply = handler.handleRaw(text.strip());
        if (reply != null) {
          write(ch, (reply + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      Request req = parse(text);
      Response resp;
      if (req == null) {
        resp = Response.text(400, "bad request\n");
      } else if (req.method().equals("POST") && req.path().equals("/debug/poison")) {
        poisoned.set(true);
        System.out.println("hero-foundry-demo: poisoned: every request now gets an empty reply");
        System.out.flush();
        resp = Response.text(200, "poisoned: every request now gets an empty reply\n");
      } else {
        resp = handler.handle(req);
      }
      byte[] body = resp.body().getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 " + resp.code() + " " + reason(resp.code()) + "\r\n"
          + "Content-Type: " + resp.contentType() + "\r\n"
          + "Content-Length: " + body.length + "\r\n"
          + "Connection: close\r\n\r\n";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(body);
      write(ch, out.toByteArray());
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  /** Reads the head and, per Content-Length, the body; or one line of raw JSON. */
  private static byte[] readRequest(SocketChannel ch) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteBuffer bb = ByteBuffer.allocate(8192);
    int headEnd = -1;
    int contentLength = 0;
    while (buf.size() < MAX_REQUEST) {
      bb.clear();
      int n = ch.read(bb);
      if (n < 0) {
        break;
      }
      buf.write(bb.array(), 0, n);
      String s = buf.toString(StandardCharsets.ISO_8859_1);
      if (s.stripLeading().startsWith("{")) {
        if (s.contains("\n") || balanced(s)) {
          break;
        }
        continue;
      }
      if (headEnd < 0) {
        headEnd = s.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          for (String line : s.substring(0, headEnd).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
              contentLength = Integer.parseInt(line.substring(colon + 1).trim());
            }
          }
        }
      }
      if (headEnd >= 0 && buf.size() >= headEnd + 4 + contentLength) {
        break;
      }
    }
    return buf.toByteArray();
  }

  private static boolean balanced(String s) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static Request parse(String text) {
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return null;
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    String[] first = lines[0].split(" ");
    if (first.length < 2) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String path = first[1].contains("?") ? first[1].substring(0, first[1].indexOf('?')) : first[1];
    return new Request(first[0], path, headers, text.substring(headEnd + 4));
  }

  private static void write(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(bytes);
    while (bb.hasRemaining()) {
      ch.write(bb);
    }
  }

  private static String reason(int code) {
    return switch (code) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      default -> "Status";
    };
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // shutting down anyway
    }
    workers.shutdownNow();
  }
}
