package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the containers of kwok's pods: serves /health on a pod's loopback IP (127.1.x.y) and port,
 * healthy (200) until told otherwise (500). Health belongs to the pod (its UID), not to the IP: a
 * new pod that gets a deleted one's IP starts healthy, as a fresh container would.
 */
public final class PodHandlers implements AutoCloseable {
  private final int port;
  private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
  /** Which pod holds each IP now. */
  private final Map<String, String> holder = new ConcurrentHashMap<>();
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
  private SharedIndexInformer<Pod> informer;

  public PodHandlers(int port) {
    this.port = port;
  }

  /**
   * Serves every pod with the label in ns from the moment kwok gives it an IP, as its container
   * would: no test has to notice a pod replaced by the operator or a controller before the operator
   * probes it (under load a test's poll can see it later than the probe fails twice).
   */
  public void serveEveryPod(KubernetesClient client, String ns, String label) {
    informer = client.pods().inNamespace(ns).withLabel(label).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        serveIfAddressed(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        serveIfAddressed(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        // its IP goes to the next pod that gets it
      }
    });
  }

  private void serveIfAddressed(Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getPodIP() != null && pod.getMetadata().getDeletionTimestamp() == null) {
      try {
        serve(pod);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Serves the pod's IP, once it has one from kwok's loopback range; healthy unless this pod was broken. */
  public void serve(Pod pod) throws IOException {
    String ip = pod.getStatus().getPodIP();
    assertThat(ip).as("pod IP of %s", pod.getMetadata().getName()).startsWith("127.1.");
    holder.put(ip, pod.getMetadata().getUid());
    synchronized (servers) {
      if (servers.containsKey(ip)) {
        return;
      }
      HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 0);
      server.createContext("/health", ex -> {
        requests.incrementAndGet();
        String uid = holder.get(ip);
        boolean up = uid != null && !broken.contains(uid);
        byte[] body = (up ? "ok" : "broken").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(up ? 200 : 500, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      server.start();
      servers.put(ip, server);
    }
  }

  /** How many requests every pod's handler answered so far. */
  public long requests() {
    return requests.get();
  }

  /** From now on this pod's handler answers 500. */
  public void breakHandler(Pod pod) {
    broken.add(pod.getMetadata().getUid());
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    servers.values().forEach(s -> s.stop(0));
  }
}
