package tf.ourworld.hero.procservice.runtime.process;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;

/**
 * Runtime Process: runs a ProcService's processes on the operator's host (docs/process-runtime.md,
 * docs/security.md). Off unless enabled with an allow-list; no shell; one session per process;
 * re-adopts its processes after an operator restart. Closing it leaves the processes running, so
 * that the next operator adopts them.
 */
public final class ProcessRuntime implements WorkloadRuntime {
  private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final long ADOPTED_POLL_MILLIS = 1000;

  private final OperatorConfig config;
  private final ExecAllowList allowList;
  private final RuntimeDirs dirs;
  private final LogRotator rotator;
  private final ScheduledExecutorService executor;
  private final ServiceSupervisor.Context context;
  private final Map<ResourceID, ServiceSupervisor> services = new ConcurrentHashMap<>();
  private final String unavailable;
  private volatile Consumer<ResourceID> trigger = id -> { };

  public ProcessRuntime(OperatorConfig config, Clock clock) {
    this(config, clock, LogLimits.defaults(), new ExecAllowList(config.allowExec()));
  }

  /** With explicit log bounds and allow-list (tests use a small bound and their own PATH). */
  public ProcessRuntime(OperatorConfig config, Clock clock, LogLimits logLimits, ExecAllowList allowList) {
    this.config = config;
    this.allowList = allowList;
    this.dirs = new RuntimeDirs(config.stateDir());
    this.rotator = new LogRotator(logLimits);
    this.executor = Executors.newScheduledThreadPool(2, daemonThreads());
    this.context = new ServiceSupervisor.Context(dirs, new ProcessLauncher(), allowList, clock, executor,
        id -> trigger.accept(id));
    this.unavailable = computeUnavailable();
    if (unavailable == null) {
      executor.scheduleWithFixedDelay(this::rotateLogs, logLimits.checkInterval().toMillis(),
          logLimits.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
      executor.scheduleWithFixedDelay(this::pollAdopted, ADOPTED_POLL_MILLIS, ADOPTED_POLL_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public RuntimeKind kind() {
    return RuntimeKind.Process;
  }

  @Override
  public String unavailableMessage() {
    return unavailable;
  }

  private String computeUnavailable() {
    if (!config.processRuntimeEnabled()) {
      return "runtime Process is disabled on this operator: start it with --process-runtime and --allow-exec PATTERN";
    }
    if (allowList.patterns().isEmpty()) {
      return "runtime Process is enabled but allows no executable: start the operator with --allow-exec PATTERN";
    }
    if (!Files.isExecutable(ProcessLauncher.SETSID) || !Files.isDirectory(Path.of("/proc/self"))) {
      return "runtime Process needs Linux /proc and " + ProcessLauncher.SETSID + " (util-linux) on the operator's host";
    }
    return null;
  }

  /** The allow-list, for exec probes. */
  public ExecAllowList allowList() {
    return allowList;
  }

  /** The runtime dir of a service: cwd, base of relative socket paths, logs. */
  public Path runtimeDir(ProcService service) {
    return dirs.serviceDir(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  @Override
  public List<SpecProblem> check(ProcService service) {
    List<SpecProblem> problems = new java.util.ArrayList<>(ProcessSpecCheck.check(service, allowList));
    problems.addAll(SocketPathCheck.check(service.getSpec(),
        runtimeDir(service), config.socketRoots()));
    return problems;
  }

  @Override
  public RuntimeObservation observe(ProcService service) {
    if (unavailableMessage() != null) {
      return RuntimeObservation.ofProcesses(ServiceSupervisor.processesOf(service).stream()
          .map(p -> ProcessObservation.notStarted(p.getName())).toList());
    }
    return RuntimeObservation.ofProcesses(supervisor(service).observe(service));
  }

  @Override
  public void start(ProcService service, Set<String> processes) {
    if (refuse(service, "start")) {
      return;
    }
    supervisor(service).start(service, processes);
  }

  @Override
  public void restart(ProcService service, Set<String> processes) {
    if (refuse(service, "restart")) {
      return;
    }
    supervisor(service).restart(service, processes);
  }

  @Override
  public boolean needsReplacement(ProcService service, RuntimeObservation observation) {
    return unavailableMessage() == null && supervisor(service).specChanged(service);
  }

  @Override
  public boolean stop(ProcService service) {
    if (unavailableMessage() != null) {
      return true;
    }
    return supervisor(service).stop(service);
  }

  @Override
  public void forget(ProcService service) {
    ResourceID id = ResourceID.fromResource(service);
    ServiceSupervisor supervisor = services.get(id);
    if (supervisor == null) {
      try {
        Files.deleteIfExists(dirs.stateFile(runtimeDir(service)));
      } catch (IOException | RuntimeException e) {
        log.atWarn().setMessage("Could not remove state file").addKeyValue("service", id).setCause(e).log();
      }
      return;
    }
    if (!supervisor.idle()) {
      // Forgetting a live process would leave it unsupervised for good: refuse.
      log.atWarn().setMessage("Not forgetting a service whose processes still run; stop it first")
          .addKeyValue("service", id).log();
      return;
    }
    supervisor.forget();
    services.remove(id);
  }

  @Override
  public List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation) {
    return ProcessProbePlanner.plan(service, observation, runtimeDir(service), config.socketRoots(), allowList);
  }

  @Override
  public void onChange(Consumer<ResourceID> trigger) {
    this.trigger = trigger == null ? id -> { } : trigger;
  }

  /** Stops the runtime's own threads; the processes keep running and are adopted next time. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private boolean refuse(ProcService service, String action) {
    String why = unavailableMessage();
    if (why != null) {
      log.atWarn().setMessage("Process runtime unavailable, not acting").addKeyValue("action", action)
          .addKeyValue("service", ResourceID.fromResource(service)).addKeyValue("reason", why).log();
      return true;
    }
    return false;
  }

  private ServiceSupervisor supervisor(ProcService service) {
    return services.computeIfAbsent(ResourceID.fromResource(service), id -> new ServiceSupervisor(id, context));
  }

  private void rotateLogs() {
    for (ServiceSupervisor s : services.values()) {
      for (Path file : s.liveLogFiles()) {
        try {
          rotator.rotateIfNeeded(file);
        } catch (IOException | RuntimeException e) {
          log.atWarn().setMessage("Log rotation failed").addKeyValue("file", file).setCause(e).log();
        }
      }
    }
  }

  private void pollAdopted() {
    try {
      services.values().forEach(ServiceSupervisor::pollAdopted);
    } catch (RuntimeException e) {
      log.atError().setMessage("Polling adopted processes failed").setCause(e).log();
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "process-runtime-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
