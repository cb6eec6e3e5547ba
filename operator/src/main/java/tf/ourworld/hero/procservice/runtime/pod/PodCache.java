package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.runtime.ManagedFieldsDroppingStore;

/**
 * An informer cache of pods in the watched namespaces (all when none are given), optionally
 * only those with given labels, indexed by namespace and by the {@code hero.ourworld.tf/procservice}
 * label. Reads never call the API.
 */
public final class PodCache implements AutoCloseable {

  /** Index of pods by {@code namespace/<procservice label value>}. */
  static final String BY_SERVICE = "procservice";
  /** Index of pods by {@code namespace/key=value} for each of their labels, when asked for. */
  static final String BY_LABEL = "label";

  /** Called on every change of a cached pod: old is null on add, current is null on delete. */
  @FunctionalInterface
  public interface Listener {
    void changed(Pod old, Pod current);
  }

  private static final Logger log = LoggerFactory.getLogger(PodCache.class);

  private final String description;
  private final Set<String> namespaces;
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final boolean byLabel;

  /**
   * Creates the informers; {@link #start(Duration)} runs them.
   *
   * @param namespaces namespaces to watch, empty for all
   * @param labels only pods with all these labels (empty: every pod)
   * @param description what the cache is for, in logs and messages
   */
  public PodCache(KubernetesClient client, Set<String> namespaces, Map<String, String> labels, String description) {
    this(client, namespaces, labels, description, false);
  }

  /**
   * As above; {@code byLabel} also indexes the pods by each of their labels, for
   * {@link #withLabel} (someone else's pods selected by label selectors: the Track runtime).
   */
  public PodCache(KubernetesClient client, Set<String> namespaces, Map<String, String> labels, String description,
      boolean byLabel) {
    this.description = description;
    this.byLabel = byLabel;
    this.namespaces = Set.copyOf(namespaces);
    if (this.namespaces.isEmpty()) {
      informers.add(informer(client.pods().inAnyNamespace().withLabels(labels)));
    } else {
      for (String ns : this.namespaces.stream().sorted().toList()) {
        informers.add(informer(client.pods().inNamespace(ns).withLabels(labels)));
      }
    }
  }

  private SharedIndexInformer<Pod> informer(FilterWatchListDeletable<Pod, PodList, PodResource> pods) {
    SharedIndexInformer<Pod> informer = pods.runnableInformer(0).itemStore(new ManagedFieldsDroppingStore<>());
    Map<String, Function<Pod, List<String>>> indexers = new HashMap<>();
    indexers.put(BY_SERVICE, PodCache::serviceKeys);
    if (byLabel) {
      indexers.put(BY_LABEL, PodCache::labelKeys);
    }
    informer.addIndexers(indexers);
    informer.addEventHandler(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        fire(null, pod);
      }

      @Override
      public void onUpdate(Pod old, Pod current) {
        fire(old, current);
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        fire(pod, null);
      }
    });
    return informer;
  }

  private static List<String> serviceKeys(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(ProcService.LABEL_PROCSERVICE);
    return service == null ? List.of() : List.of(pod.getMetadata().getNamespace() + "/" + service);
  }

  private static List<String> labelKeys(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<String> keys = new ArrayList<>(labels.size());
    labels.forEach((k, v) -> keys.add(labelKey(pod.getMetadata().getNamespace(), k, v)));
    return keys;
  }

  /** The key of a label in the {@link #BY_LABEL} index. */
  public static String labelKey(String namespace, String key, String value) {
    return namespace + "/" + key + "=" + value;
  }

  private void fire(Pod old, Pod current) {
    for (Listener l : listeners) {
      try {
        l.changed(old, current);
      } catch (RuntimeException e) {
        log.atWarn().setMessage("Pod event listener failed").addKeyValue("cache", description)
            .setCause(e).log();
      }
    }
  }

  /** Adds a listener; add listeners before {@link #start(Duration)} to see the initial pods. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Starts the informers and waits until each has listed its pods once, at most {@code timeout}.
   * Returns false (and keeps the informers retrying) when the list did not complete in time.
   */
  public boolean start(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean synced = true;
    for (SharedIndexInformer<Pod> informer : informers) {
      try {
        informer.start().toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        synced = false;
        log.atError().setMessage("Pod informer not synced").addKeyValue("cache", description)
            .addKeyValue("error", e.getCause() == null ? String.valueOf(e) : e.getCause().getMessage()).log();
      }
    }
    return synced;
  }

  /** True once every informer has listed its pods. */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** True when pods of this namespace are cached. */
  public boolean watches(String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  /** The namespaces watched, empty for all. */
  public Set<String> namespaces() {
    return namespaces;
  }

  /** The cached pod, if any. */
  public Optional<Pod> get(String namespace, String name) {
    String key = Cache.namespaceKeyFunc(namespace, name);
    for (SharedIndexInformer<Pod> informer : informers) {
      Pod pod = informer.getIndexer().getByKey(key);
      if (pod != null) {
        return Optional.of(pod);
      }
    }
    return Optional.empty();
  }

  /** Cached pods labelled {@code hero.ourworld.tf/procservice: <service>} in the namespace. */
  public List<Pod> ofService(String namespace, String service) {
    List<Pod> pods = new ArrayList<>();
    for (SharedIndexInformer<Pod> informer : informers) {
      pods.addAll(informer.getIndexer().byIndex(BY_SERVICE, namespace + "/" + service));
    }
    return pods;
  }

  /** Cached pods of the namespace with this label (the cache must index by label). */
  public List<Pod> withLabel(String namespace, String key, String value) {
    if (!byLabel) {
      throw new IllegalStateException("pod cache " + description + " does not index by label");
    }
    List<Pod> pods = new ArrayList<>();
    for (SharedIndexInformer<Pod> informer : informers) {
      pods.addAll(informer.getIndexer().byIndex(BY_LABEL, labelKey(namespace, key, value)));
    }
    return pods;
  }

  /** Cached pods of the namespace. */
  public List<Pod> inNamespace(String namespace) {
    List<Pod> pods = new ArrayList<>();
    for (SharedIndexInformer<Pod> informer : informers) {
      pods.addAll(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }
    return pods;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
