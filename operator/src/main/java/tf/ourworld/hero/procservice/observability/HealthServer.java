package tf.ourworld.hero.procservice.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint: {@code /metrics} (Prometheus text), {@code /healthz} (liveness)
 * and {@code /readyz} (readiness), on one port. 200 when healthy, 503 when not.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on all interfaces (what a Pod needs).
   *
   * @param port the port; 0 picks a free one, -1 serves nothing and returns a disabled server
   */
  public static HealthServer start(int port, OperatorMetrics metrics, OperatorHealth health) {
    return start(null, port, metrics, health);
  }

  /**
   * Starts serving on {@code bindAddress} (null: all interfaces; {@code local} may prefer loopback).
   *
   * @param port the port; 0 picks a free one, -1 serves nothing and returns a disabled server
   */
  public static HealthServer start(InetAddress bindAddress, int port, OperatorMetrics metrics, OperatorHealth health) {
    return start(bindAddress, port, metrics, health, null);
  }

  /** As above, and the read-only status page at {@code /} (and {@code /status}) when {@code page} is not null. */
  public static HealthServer start(InetAddress bindAddress, int port, OperatorMetrics metrics, OperatorHealth health,
      StatusPage page) {
    if (port < 0) {
      return new HealthServer(null, null);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen for /metrics, /healthz and /readyz on port " + port
          + " (--http-port): " + e.getMessage(), e);
    }
    // Two threads: a slow scrape must not make a kubelet probe time out and restart the operator.
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_CONTENT_TYPE, metrics.scrape()));
    server.createContext("/healthz", ex -> check(ex, "alive", health::alive));
    server.createContext("/readyz", ex -> check(ex, "ready", health::ready));
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      if (page != null && ("/".equals(path) || "/status".equals(path))) {
        String query = ex.getRequestURI().getQuery();
        respond(ex, 200, "text/html; charset=utf-8", "part=main".equals(query) ? page.main() : page.page());
        return;
      }
      respond(ex, 404, "text/plain; charset=utf-8", "Not found: try " + (page != null ? "/, " : "")
          + "/metrics, /healthz or /readyz\n");
    });
    server.start();
    log.atInfo().addKeyValue("port", server.getAddress().getPort())
        .log("Serving /metrics, /healthz and /readyz on port {}", server.getAddress().getPort());
    return new HealthServer(server, executor);
  }

  /** The port actually bound, or -1 when disabled. */
  /** The address it listens on, or null when disabled. */
  public java.net.InetSocketAddress address() {
    return server == null ? null : server.getAddress();
  }

  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private static void check(HttpExchange ex, String what, BooleanSupplier check) throws IOException {
    boolean ok;
    try {
      ok = check.getAsBoolean();
    } catch (RuntimeException e) {
      // A failing check is an unhealthy answer, not a 500 with a stack trace.
      log.atWarn().addKeyValue("check", what).addKeyValue("error", e.toString()).log("Health check {} failed", what);
      ok = false;
    }
    respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not " + what + "\n");
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(method)) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
