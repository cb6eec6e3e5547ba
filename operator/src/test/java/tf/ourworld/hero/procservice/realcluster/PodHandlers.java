package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Plays the containers of kwok's pods: serves /health on a pod's loopback IP (127.1.x.y) and port,
 * healthy (200) until told otherwise (500).
 */
public final class PodHandlers implements AutoCloseable {
  private final int port;
  private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> healthy = new ConcurrentHashMap<>();

  public PodHandlers(int port) {
    this.port = port;
  }

  /** Serves the pod's IP (healthy), once it has one from kwok's loopback range. */
  public void serve(Pod pod) throws IOException {
    String ip = pod.getStatus().getPodIP();
    assertThat(ip).as("pod IP of %s", pod.getMetadata().getName()).startsWith("127.1.");
    AtomicBoolean ok = healthy.computeIfAbsent(ip, k -> new AtomicBoolean(true));
    ok.set(true);
    if (servers.containsKey(ip)) {
      return;
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 0);
    server.createContext("/health", ex -> {
      boolean up = ok.get();
      byte[] body = (up ? "ok" : "broken").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(up ? 200 : 500, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    servers.put(ip, server);
  }

  public void breakHandler(Pod pod) {
    healthy.get(pod.getStatus().getPodIP()).set(false);
  }

  @Override
  public void close() {
    servers.values().forEach(s -> s.stop(0));
  }
}
