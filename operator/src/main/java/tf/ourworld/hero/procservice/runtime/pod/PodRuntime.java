package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.AgentProtocol;
import tf.ourworld.hero.procservice.probe.AgentRoute;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeChecks;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.runtime.ProbeTargets;
import tf.ourworld.hero.procservice.probe.ProbeTarget;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;

/**
 * Runtime Pod: one pod per ProcService, named like the service, read from an informer cache of
 * the operator's pods. A restart deletes the pod and creates it again once it is gone; the
 * replacement count lives in a pod annotation so it survives an operator restart.
 */
public final class PodRuntime implements WorkloadRuntime {

  private static final Logger log = LoggerFactory.getLogger(PodRuntime.class);
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
  /** Waiting reasons that are ordinary progress, not worth a warning. */
  private static final Set<String> NORMAL_WAITING = Set.of("ContainerCreating", "PodInitializing");
  /** The pod's runtime dir as the agent sees it: unix-socket paths are planned against it, never opened here. */
  private static final Path AGENT_RUNTIME_DIR = Path.of(PodTemplate.RUNTIME_DIR);

  /**
   * A start that waits for the old pod to be gone.
   *
   * @param replacement true when it comes from restart() (its replacement is already counted)
   */
  private record Pending(ProcService service, int replacements, Instant since, boolean replacement) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final PodCache cache;
  private final ExecutorService executor;
  private final Map<ResourceID, Pending> pending = new ConcurrentHashMap<>();
  /** Replacement count of each service's last pod seen, for a pod deleted by someone else. */
  private final Map<ResourceID, Integer> lastReplacements = new ConcurrentHashMap<>();
  private final Map<ResourceID, Object> locks = new ConcurrentHashMap<>();
  private volatile Consumer<ResourceID> trigger = id -> { };
  /** The probe agent's image, or null: unix-socket probes are then refused (PodProbeCheck). */
  private final String agentImage;
  private final AgentSecrets agentSecrets;

  /** Starts an informer on the operator's pods in the configured namespaces and waits for its first list. */
  public PodRuntime(KubernetesClient client, OperatorConfig config, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.agentImage = AgentImage.resolve(client, config.agentImage(), System::getenv);
    this.agentSecrets = new AgentSecrets(client);
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pod-runtime");
      t.setDaemon(true);
      return t;
    });
    this.cache = new PodCache(client, config.namespaces(),
        Map.of(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME), "pod-runtime");
    cache.addListener(this::podChanged);
    cache.start(SYNC_TIMEOUT);
  }

  @Override
  public RuntimeKind kind() {
    return RuntimeKind.Pod;
  }

  @Override
  public String unavailableMessage() {
    if (cache.synced()) {
      return null;
    }
    String where = cache.namespaces().isEmpty() ? "all namespaces" : "namespaces " + cache.namespaces();
    return "Pod runtime is not ready: the operator could not list and watch pods in " + where
        + " (it needs RBAC get, list, watch, create, delete on pods)";
  }

  @Override
  public List<SpecProblem> check(ProcService service) {
    return PodSpecCheck.check(service, agentImage != null);
  }

  @Override
  public RuntimeObservation observe(ProcService service) {
    Pod pod = ownPod(service);
    Pending p = pending.get(ResourceID.fromResource(service));
    return RuntimeObservation.ofProcesses(PodObserver.observe(service, pod, p == null ? null : p.since()));
  }

  /**
   * True when the service's pod no longer matches what the service asks for (its template hash
   * differs, or it belongs to an earlier ProcService of the same name): restart() replaces it.
   */
  public boolean templateOutdated(ProcService service) {
    Pod pod = ownPod(service);
    if (pod == null || PodObserver.terminating(pod)) {
      return false;
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(PodTemplate.ANNOTATION_TEMPLATE_HASH);
    if (!PodTemplate.templateHash(service, agentImage).equals(hash)) {
      return true;
    }
    String uid = service.getMetadata().getUid();
    OwnerReference owner = controller(pod);
    return uid != null && owner != null && !uid.equals(owner.getUid());
  }

  @Override
  public boolean needsReplacement(ProcService service, RuntimeObservation observation) {
    return templateOutdated(service);
  }

  /** Creates the pod when there is none; the process set is ignored (a pod starts whole). */
  @Override
  public void start(ProcService service, Set<String> processes) {
    ResourceID id = ResourceID.fromResource(service);
    synchronized (lock(id)) {
      deleteStrays(service);
      Pod pod = ownPod(service);
      if (pod == null) {
        Pending p = pending.get(id);
        create(service, p != null ? p.replacements() : knownReplacements(id, null));
      } else if (PodObserver.terminating(pod)) {
        // Comes back once the old pod is gone (podChanged sees the delete).
        pending.putIfAbsent(id, new Pending(service, knownReplacements(id, pod), clock.instant(), false));
      }
    }
  }

  /**
   * Replaces the pod: deletes it (with the service's grace period) and creates it again once it
   * is gone. Any set of process names replaces the whole pod: Kubernetes cannot restart one
   * container on request. Counts one replacement per call, not per attempt.
   */
  @Override
  public void restart(ProcService service, Set<String> processes) {
    ResourceID id = ResourceID.fromResource(service);
    synchronized (lock(id)) {
      Pod pod = ownPod(service);
      Pending already = pending.get(id);
      if (already != null && already.replacement()) {
        // A replacement is under way: take the newer spec, do not count it twice.
        pending.put(id, new Pending(service, already.replacements(), already.since(), true));
      } else {
        int next = knownReplacements(id, pod) + 1;
        pending.put(id, new Pending(service, next, clock.instant(), true));
        log.atInfo().setMessage("Replacing pod").addKeyValue("event", "pod_replace")
            .addKeyValue("namespace", id.getNamespace().orElse(null)).addKeyValue("name", id.getName())
            .addKeyValue("replacements", next).log();
      }
      if (pod == null) {
        createPending(id);
      } else if (!PodObserver.terminating(pod)) {
        delete(pod, grace(service), "restart");
      }
    }
  }

  @Override
  public boolean stop(ProcService service) {
    ResourceID id = ResourceID.fromResource(service);
    synchronized (lock(id)) {
      pending.remove(id);
      List<Pod> pods = podsOf(service);
      for (Pod pod : pods) {
        if (!PodObserver.terminating(pod)) {
          delete(pod, grace(service), "stop");
        }
      }
      return pods.isEmpty();
    }
  }

  /** Pods of the service are in the cache (by its label), or a start of one is pending. */
  @Override
  public boolean holds(ProcService service) {
    return unavailableMessage() == null && (pending.containsKey(ResourceID.fromResource(service)) || !podsOf(service).isEmpty());
  }

  @Override
  public void forget(ProcService service) {
    ResourceID id = ResourceID.fromResource(service);
    pending.remove(id);
    lastReplacements.remove(id);
    locks.remove(id);
    agentSecrets.forget(id);
  }

  /**
   * One probe per spec probe whose process is Running in a pod with an IP: target host is the pod
   * IP, named ports come from the probe's process (from all processes when it names none); a
   * unix-socket probe goes through the pod's probe agent, with the pod's token.
   */
  @Override
  public List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation) {
    List<PlannedProbe> planned = new ArrayList<>();
    List<ProbeSpec> probes = service.getSpec().getProbes();
    if (probes == null) {
      return planned;
    }
    for (ProbeSpec probe : probes) {
      if (!PodProbeCheck.plannable(probe, agentImage != null)) {
        continue;   // refused by check()
      }
      // The rule of ProbeTargets: only while every container the probe checks is Running; the pod has its IP.
      List<ProcessObservation> targets = ProbeTargets.running(probe, service.getSpec().getProcesses(), observation)
          .orElse(List.of());
      ProcessObservation running = targets.stream().filter(p -> p.podIp() != null).findFirst().orElse(null);
      if (running == null) {
        continue;
      }
      String incarnation = String.join(",", targets.stream().map(p -> String.valueOf(p.incarnation())).toList());
      Map<String, Integer> ports = namedPorts(service, probe.getProcess());
      ProbeTarget target = ProbeChecks.usesUnixSocket(probe)
          ? new ProbeTarget(running.podIp(), AGENT_RUNTIME_DIR, List.of(AGENT_RUNTIME_DIR), ports, running.pod(),
              new AgentRoute(running.podIp(), AgentProtocol.PORT, agentSecrets.token(service)))
          : new ProbeTarget(running.podIp(), null, List.of(), ports, running.pod());
      planned.add(new PlannedProbe(ProbeKey.of(probe.getName()), probe, target, incarnation));
    }
    return planned;
  }

  @Override
  public void onChange(Consumer<ResourceID> trigger) {
    this.trigger = Objects.requireNonNull(trigger);
  }

  @Override
  public void close() {
    cache.close();
    executor.shutdownNow();
  }

  // --- informer events ---

  private void podChanged(Pod old, Pod current) {
    Pod pod = current != null ? current : old;
    ResourceID id = serviceOf(pod);
    if (id == null) {
      return;
    }
    boolean ownName = pod.getMetadata().getName().equals(id.getName());
    if (current != null && ownName) {
      lastReplacements.put(id, PodObserver.replacements(current));
      warnOnWaiting(old, current);
    }
    if (current != null && !ownName && !PodObserver.terminating(current) && controller(current) != null) {
      // A pod of the service under another name (an earlier naming, a copy): never two at rest.
      submit(() -> delete(current, null, "stray"));
    }
    if (current == null && ownName && pending.containsKey(id)) {
      submit(() -> createPending(id));
    }
    trigger.accept(id);
  }

  private void warnOnWaiting(Pod old, Pod current) {
    if (current.getStatus() == null || current.getStatus().getContainerStatuses() == null) {
      return;
    }
    for (ContainerStatus s : current.getStatus().getContainerStatuses()) {
      var waiting = s.getState() == null ? null : s.getState().getWaiting();
      if (waiting == null || waiting.getReason() == null || NORMAL_WAITING.contains(waiting.getReason())) {
        continue;
      }
      ContainerStatus before = old == null ? null : PodObserver.containerStatus(old, s.getName());
      var wasWaiting = before == null || before.getState() == null ? null : before.getState().getWaiting();
      if (wasWaiting == null || !waiting.getReason().equals(wasWaiting.getReason())) {
        log.atWarn().setMessage("Container is waiting").addKeyValue("event", "container_waiting")
            .addKeyValue("namespace", current.getMetadata().getNamespace())
            .addKeyValue("pod", current.getMetadata().getName()).addKeyValue("container", s.getName())
            .addKeyValue("reason", waiting.getReason()).addKeyValue("detail", waiting.getMessage()).log();
      }
    }
  }

  private void createPending(ResourceID id) {
    synchronized (lock(id)) {
      Pending p = pending.get(id);
      if (p == null) {
        return;   // stopped meanwhile
      }
      Pod pod = ownPod(p.service());
      if (pod != null) {
        if (!PodObserver.terminating(pod)) {
          pending.remove(id);
        }
        return;   // the delete event of the old pod brings us back
      }
      try {
        create(p.service(), p.replacements());
      } catch (RuntimeException e) {
        // Stays pending: the next start() (the reconciler sees Starting without a pod) retries.
        log.atWarn().setMessage("Pod not recreated").addKeyValue("namespace", id.getNamespace().orElse(null))
            .addKeyValue("name", id.getName()).addKeyValue("error", e.getMessage()).log();
        trigger.accept(id);
      }
    }
  }

  // --- API calls ---

  private void create(ProcService service, int replacements) {
    ResourceID id = ResourceID.fromResource(service);
    if (agentImage != null && AgentSidecar.needed(service)) {
      agentSecrets.refresh(service);   // the pod mounts the agent's Secret: it must exist first
    }
    Pod pod = PodTemplate.pod(service, replacements, agentImage);
    String ns = pod.getMetadata().getNamespace();
    try {
      client.pods().inNamespace(ns).resource(pod).create();
      pending.remove(id);
      log.atInfo().setMessage("Pod created").addKeyValue("event", "pod_created").addKeyValue("namespace", ns)
          .addKeyValue("pod", pod.getMetadata().getName()).addKeyValue("replacements", replacements).log();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already there: the cache is behind (ours), or someone else's pod has the name.
      Pod existing = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
      if (existing != null && !service.getMetadata().getName().equals(labels(existing).get(ProcService.LABEL_PROCSERVICE))) {
        throw new IllegalStateException("Pod " + ns + "/" + pod.getMetadata().getName()
            + " already exists and is not managed by this ProcService: delete or rename it", e);
      }
      if (existing != null && !PodObserver.terminating(existing)) {
        pending.remove(id);   // ours and alive: nothing left to start
      }
    }
  }

  private void delete(Pod pod, Long grace, String why) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    var resource = client.pods().inNamespace(ns).withName(name);
    // Deleting only what the cache showed: a pod recreated meanwhile under the name stays.
    Pod fresh = resource.get();
    if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), pod.getMetadata().getUid())) {
      return;
    }
    if (grace != null) {
      resource.withGracePeriod(grace).delete();
    } else {
      resource.delete();
    }
    log.atInfo().setMessage("Pod deleted").addKeyValue("event", "pod_deleted").addKeyValue("namespace", ns)
        .addKeyValue("pod", name).addKeyValue("why", why).log();
  }

  // --- helpers ---

  private void submit(Runnable task) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.atWarn().setMessage("Pod runtime task failed").addKeyValue("error", e.getMessage()).log();
        }
      });
    } catch (RejectedExecutionException e) {
      // Closed: nothing more to do.
    }
  }

  private Object lock(ResourceID id) {
    return locks.computeIfAbsent(id, k -> new Object());
  }

  /** The service's pod under its own name, if it carries the service's label. */
  private Pod ownPod(ProcService service) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    return cache.get(ns, PodTemplate.podName(service))
        .filter(p -> name.equals(labels(p).get(ProcService.LABEL_PROCSERVICE)))
        .orElse(null);
  }

  private List<Pod> podsOf(ProcService service) {
    return cache.ofService(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  private void deleteStrays(ProcService service) {
    String own = PodTemplate.podName(service);
    for (Pod pod : podsOf(service)) {
      if (!own.equals(pod.getMetadata().getName()) && !PodObserver.terminating(pod) && controller(pod) != null) {
        delete(pod, null, "stray");
      }
    }
  }

  private int knownReplacements(ResourceID id, Pod pod) {
    return pod != null ? PodObserver.replacements(pod) : lastReplacements.getOrDefault(id, 0);
  }

  private static ResourceID serviceOf(Pod pod) {
    String service = labels(pod).get(ProcService.LABEL_PROCSERVICE);
    return service == null ? null : new ResourceID(service, pod.getMetadata().getNamespace());
  }

  private static Map<String, String> labels(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static OwnerReference controller(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs == null ? null : refs.stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()) && "ProcService".equals(r.getKind())
            && r.getApiVersion() != null && r.getApiVersion().startsWith(ProcService.GROUP + "/"))
        .findFirst().orElse(null);
  }

  private static long grace(ProcService service) {
    Integer grace = service.getSpec().getStopGracePeriodSeconds();
    return grace == null ? 30L : grace.longValue();
  }

  /** Named ports of the process, or of all processes (first declaration wins) when null. */
  static Map<String, Integer> namedPorts(ProcService service, String process) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      if (process != null && !process.equals(p.getName())) {
        continue;
      }
      for (PortSpec port : p.getPorts() == null ? List.<PortSpec>of() : p.getPorts()) {
        if (port.getName() != null && !port.getName().isBlank() && port.getContainerPort() != null) {
          ports.putIfAbsent(port.getName(), port.getContainerPort());
        }
      }
    }
    return ports;
  }
}
