package tf.ourworld.hero.procservice.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.AgentProtocol;
import tf.ourworld.hero.procservice.probe.PreparedProbe;
import tf.ourworld.hero.procservice.probe.ProbeChecks;
import tf.ourworld.hero.procservice.probe.ProbeOutcome;
import tf.ourworld.hero.procservice.probe.ProbeTarget;
import tf.ourworld.hero.procservice.probe.Watchdog;

/**
 * The probe agent: runs in a Pod-runtime service's pod (a native sidecar) and probes, on the
 * operator's request, the unix sockets the operator cannot reach from outside the pod. It runs only
 * the probes it was given at pod creation, only for a caller with the pod's token, one run of a
 * probe at a time, each bounded by the probe's timeout, and only on sockets under the pod's
 * runtime dir. Protocol: {@link AgentProtocol}.
 */
public final class ProbeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Requests served at once; more wait in the server's queue. */
  private static final int THREADS = 4;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Watchdog watchdog = new Watchdog("probe-agent-watchdog");
  private final Map<String, PreparedProbe> probes = new LinkedHashMap<>();
  private final Map<String, AtomicBoolean> running = new LinkedHashMap<>();
  private final AgentToken token;

  /**
   * Compiles the probes and starts listening.
   *
   * @throws IllegalArgumentException naming the probe when one cannot run here
   */
  public ProbeAgent(List<ProbeSpec> specs, Path runtimeDir, Path tokenFile, InetSocketAddress bind) throws IOException {
    this.token = new AgentToken(tokenFile);
    ProbeTarget target = new ProbeTarget("127.0.0.1", runtimeDir, List.of(runtimeDir), Map.of(), "probe agent");
    try {
      for (ProbeSpec spec : specs) {
        if (spec.getName() == null || spec.getName().isBlank() || probes.containsKey(spec.getName())) {
          throw new IllegalArgumentException("every probe needs a unique name");
        }
        if (!ProbeChecks.usesUnixSocket(spec) || "exec".equals(spec.kind())) {
          throw new IllegalArgumentException("probe " + spec.getName() + ": the agent runs only unix-socket probes");
        }
        try {
          probes.put(spec.getName(), PreparedProbe.of(spec, target, watchdog));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("probe " + spec.getName() + ": " + e.getMessage(), e);
        }
        running.put(spec.getName(), new AtomicBoolean());
      }
    } catch (IllegalArgumentException e) {
      close();
      throw e;
    }
    this.executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "probe-agent");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(bind, 16);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    if (!token.readable()) {
      log.warn("No token in {} yet: every request is refused until the Secret is mounted", tokenFile);
    }
    log.info("Probe agent listening on {}, probes {}", address(), probes.keySet());
  }

  /** Where it listens (the port is the real one when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, error("use POST " + AgentProtocol.PATH + "NAME"));
        return;
      }
      // The token before anything else: without it nobody learns which probes exist.
      if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
        reply(exchange, 401, error("the pod's token is required"));
        return;
      }
      String name = path.startsWith(AgentProtocol.PATH)
          ? URLDecoder.decode(path.substring(AgentProtocol.PATH.length()), StandardCharsets.UTF_8) : null;
      PreparedProbe probe = name == null ? null : probes.get(name);
      if (probe == null) {
        reply(exchange, 404, error("no such probe"));
        return;
      }
      AtomicBoolean busy = running.get(name);
      if (!busy.compareAndSet(false, true)) {
        reply(exchange, 429, error("probe " + name + " is running"));
        return;
      }
      ProbeOutcome outcome;
      try {
        outcome = probe.run();
      } finally {
        busy.set(false);
      }
      ObjectNode answer = JSON.createObjectNode();
      answer.put("passed", outcome.success());
      answer.put("error", outcome.error());
      answer.put("latencyMillis", outcome.latencyNanos() / 1_000_000L);
      reply(exchange, 200, answer);
    } catch (RuntimeException e) {
      log.warn("Request failed: {}", e.toString());
    }
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    probes.values().forEach(PreparedProbe::close);
    watchdog.close();
  }
}
