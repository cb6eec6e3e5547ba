package tf.ourworld.hero.procservice.runtime.track;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeTarget;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
import tf.ourworld.hero.procservice.runtime.pod.PodCache;
import tf.ourworld.hero.procservice.runtime.pod.PodProbeCheck;

/**
 * Runtime Track: probes pods that someone else created (a Deployment, a Helm release), selected
 * by {@code spec.selector}. It never creates pods; a restart deletes the named pods so their owner
 * creates new ones. Reads an informer cache of all pods in the watched namespaces, started when
 * the first Track service is seen.
 */
public final class TrackRuntime implements WorkloadRuntime {

  private static final Logger log = LoggerFactory.getLogger(TrackRuntime.class);
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final OperatorConfig config;
  /** Selector of each Track service seen, to map pod events to services. */
  private final SelectorIndex selectors = new SelectorIndex();
  private volatile Consumer<ResourceID> trigger = id -> { };
  private PodCache cache;

  /** Creates the runtime; no API call until the first Track service is observed. */
  public TrackRuntime(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
  }

  @Override
  public RuntimeKind kind() {
    return RuntimeKind.Track;
  }

  @Override
  public UnitRules unitRules() {
    return UnitRules.TRACKED_PODS;
  }

  @Override
  public synchronized String unavailableMessage() {
    if (cache == null || cache.synced()) {
      return null;
    }
    String where = cache.namespaces().isEmpty() ? "all namespaces" : "namespaces " + cache.namespaces();
    return "Track runtime is not ready: the operator could not list and watch pods in " + where
        + " (it needs RBAC get, list, watch on pods, and delete for recovery action Restart)";
  }

  @Override
  public List<SpecProblem> check(ProcService service) {
    List<SpecProblem> problems = new ArrayList<>();
    LabelSelector selector = service.getSpec().getSelector();
    if (selector == null) {
      problems.add(SpecProblem.invalid("spec.selector: required for runtime Track"));
    } else if (LabelSelectorMatcher.isEmpty(selector)) {
      problems.add(SpecProblem.invalid("spec.selector: must not be empty for runtime Track: it would select"
          + " every pod in the namespace"));
    } else {
      String problem = LabelSelectorMatcher.problem(selector);
      if (problem != null) {
        problems.add(SpecProblem.invalid(problem));
      }
    }
    if (service.getSpec().getProcesses() != null && !service.getSpec().getProcesses().isEmpty()) {
      problems.add(SpecProblem.invalid("spec.processes: must be empty for runtime Track: the pods are created"
          + " by someone else"));
    }
    problems.addAll(PodProbeCheck.check(service, RuntimeKind.Track, false));
    return problems;
  }

  /** The selected pods in the service's namespace, by name. */
  @Override
  public RuntimeObservation observe(ProcService service) {
    List<TrackedPod> pods = new ArrayList<>();
    for (Pod pod : selected(service)) {
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      pods.add(new TrackedPod(pod.getMetadata().getName(), podIp, terminating ? "Terminating" : phase,
          !terminating && "Running".equals(phase), pod.getMetadata().getUid()));
    }
    return RuntimeObservation.ofPods(pods);
  }

  /** Never creates pods: their owner does. */
  @Override
  public void start(ProcService service, Set<String> processes) {
    register(service);
  }

  /**
   * Deletes the named pods, if they are still selected by the service, so that their owner
   * creates new ones. An empty set deletes nothing: deleting every pod of someone else's workload
   * at once is never what recovery wants.
   */
  @Override
  public void restart(ProcService service, Set<String> pods) {
    String ns = service.getMetadata().getNamespace();
    if (pods.isEmpty()) {
      log.atWarn().setMessage("Track restart without pod names ignored").addKeyValue("namespace", ns)
          .addKeyValue("name", service.getMetadata().getName()).log();
      return;
    }
    LabelSelector selector = service.getSpec().getSelector();
    for (Pod cached : selected(service)) {
      String name = cached.getMetadata().getName();
      if (!pods.contains(name) || cached.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var resource = client.pods().inNamespace(ns).withName(name);
      Pod fresh = resource.get();
      // Only the pod the cache showed, and only while the selector still picks it.
      if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
          || !LabelSelectorMatcher.matches(selector, fresh.getMetadata().getLabels())) {
        continue;
      }
      resource.delete();
      log.atInfo().setMessage("Tracked pod deleted").addKeyValue("event", "tracked_pod_deleted")
          .addKeyValue("namespace", ns).addKeyValue("name", service.getMetadata().getName())
          .addKeyValue("pod", name).log();
    }
  }

  /** Nothing to stop: the pods are not the operator's. Suspending only ends probing. */
  @Override
  public boolean stop(ProcService service) {
    return true;
  }

  /** Nothing to stop on a deletion: the pods are their owners'; the probes end with the delete event. */
  @Override
  public boolean needsFinalizer() {
    return false;
  }

  @Override
  public void forget(ProcService service) {
    selectors.remove(ResourceID.fromResource(service));
  }

  /** Its selector is registered: pod changes it selects still trigger the service. */
  @Override
  public boolean holds(ProcService service) {
    return selectors.contains(ResourceID.fromResource(service));
  }

  /** One probe instance per spec probe and running pod with an IP ({@link UnitRules#probePerUnit()}). */
  @Override
  public List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation) {
    List<PlannedProbe> planned = new ArrayList<>();
    List<ProbeSpec> probes = service.getSpec().getProbes();
    if (probes == null || probes.isEmpty()) {
      return planned;
    }
    String ns = service.getMetadata().getNamespace();
    for (TrackedPod tracked : observation.pods()) {
      if (!tracked.running() || tracked.podIp() == null) {
        continue;
      }
      Pod pod = cache().get(ns, tracked.name())
          .filter(p -> Objects.equals(p.getMetadata().getUid(), tracked.uid())).orElse(null);
      ProbeTarget target = new ProbeTarget(tracked.podIp(), null, List.of(), namedPorts(pod), tracked.name());
      String incarnation = incarnation(tracked, pod);
      for (ProbeSpec probe : probes) {
        if (!PodProbeCheck.plannable(probe, false)) {
          continue;   // refused by check()
        }
        planned.add(new PlannedProbe(ProbeKey.on(probe.getName(), tracked.name()), probe, target, incarnation));
      }
    }
    return planned;
  }

  @Override
  public void onChange(Consumer<ResourceID> trigger) {
    this.trigger = Objects.requireNonNull(trigger);
  }

  @Override
  public synchronized void close() {
    if (cache != null) {
      cache.close();
    }
  }

  private List<Pod> selected(ProcService service) {
    register(service);
    LabelSelector selector = service.getSpec().getSelector();
    if (LabelSelectorMatcher.isEmpty(selector)) {
      return List.of();   // refused by check(): never all pods of the namespace
    }
    String ns = service.getMetadata().getNamespace();
    // one of the matchLabels pairs picks the candidates from the cache's label index (a scan of the
    // namespace at each of 10,000 services' reconciles was 10^8 matches)
    Map.Entry<String, String> pair = SelectorIndex.filingPair(selector);
    List<Pod> candidates = pair == null ? cache().inNamespace(ns) : cache().withLabel(ns, pair.getKey(), pair.getValue());
    return candidates.stream()
        .filter(p -> LabelSelectorMatcher.matches(selector, p.getMetadata().getLabels()))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private void register(ProcService service) {
    selectors.put(ResourceID.fromResource(service), service.getSpec().getSelector());
  }

  private synchronized PodCache cache() {
    if (cache == null) {
      cache = new PodCache(client, config.namespaces(), Map.of(), "track-runtime", true);
      cache.addListener(this::podChanged);
      cache.start(SYNC_TIMEOUT);
    }
    return cache;
  }

  private void podChanged(Pod old, Pod current) {
    String ns = (current != null ? current : old).getMetadata().getNamespace();
    Set<ResourceID> services = new HashSet<>();
    if (old != null) {
      services.addAll(selectors.selecting(ns, old.getMetadata().getLabels()));
    }
    if (current != null) {
      services.addAll(selectors.selecting(ns, current.getMetadata().getLabels()));
    }
    services.forEach(trigger);
  }

  private static Map<String, Integer> namedPorts(Pod pod) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    if (pod == null || pod.getSpec() == null) {
      return ports;
    }
    for (Container c : pod.getSpec().getContainers()) {
      for (ContainerPort port : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (port.getName() != null && !port.getName().isBlank() && port.getContainerPort() != null) {
          ports.putIfAbsent(port.getName(), port.getContainerPort());
        }
      }
    }
    return ports;
  }

  /** Pod uid and each container's restart count: any container restart replans the probes. */
  private static String incarnation(TrackedPod tracked, Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return tracked.uid();
    }
    List<String> counts = new ArrayList<>();
    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
      counts.add(s.getName() + "=" + (s.getRestartCount() == null ? 0 : s.getRestartCount()));
    }
    counts.sort(null);
    return tracked.uid() + "/" + String.join(",", counts);
  }
}
