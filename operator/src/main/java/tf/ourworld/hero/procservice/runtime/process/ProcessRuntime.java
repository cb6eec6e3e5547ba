package tf.ourworld.hero.procservice.runtime.process;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
  private final EnvPolicy envPolicy;
  private final RuntimeDirs dirs;
  private final LogRotator rotator;
  private final ScheduledExecutorService executor;
  private final ServiceSupervisor.Context context;
  private final ProcessLauncher launcher;
  private final Map<ResourceID, ServiceSupervisor> services = new ConcurrentHashMap<>();
  /** Live processes of earlier operators, by runtime dir, until the service's supervisor claims them. */
  private final Map<Path, List<TokenScan.Found>> inherited = new ConcurrentHashMap<>();
  /** Stops of orphans: processes of services that no longer exist. */
  private final List<StopTask> orphanStops = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Why the host cannot run processes at all (disabled, no setsid), or null; fixed for the runtime's life. */
  private final String hostUnavailable;
  /** Services checked since they were last forgotten: a reload of the allow-list reconciles them again. */
  private final Set<ResourceID> known = ConcurrentHashMap.newKeySet();
  private volatile Consumer<ResourceID> trigger = id -> { };
  private volatile java.time.Duration maxStopGrace;

  public ProcessRuntime(OperatorConfig config, Clock clock) {
    this(config, clock, LogLimits.defaults(), new ExecAllowList(config.allowExec()));
  }

  /** With explicit log bounds and allow-list (tests use a small bound and their own PATH). */
  public ProcessRuntime(OperatorConfig config, Clock clock, LogLimits logLimits, ExecAllowList allowList) {
    this(config, clock, logLimits, allowList, ChaosHook.fromSystemProperty());
  }

  /** With a hook called around each fork (tests simulate a crash in the fork window with it). */
  ProcessRuntime(OperatorConfig config, Clock clock, LogLimits logLimits, ExecAllowList allowList,
      ServiceSupervisor.LaunchHook hook) {
    this(config, clock, logLimits, allowList, hook, config.processRuntimeEnabled() ? ProcessLauncher.forHost() : null);
  }

  /** With a given launcher (the tests run both); null only when the runtime is disabled. */
  ProcessRuntime(OperatorConfig config, Clock clock, LogLimits logLimits, ExecAllowList allowList,
      ServiceSupervisor.LaunchHook hook, ProcessLauncher launcher) {
    this.config = config;
    this.launcher = launcher;
    this.allowList = allowList;
    this.envPolicy = new EnvPolicy(config.allowEnv());
    this.dirs = new RuntimeDirs(config.stateDir());
    this.rotator = new LogRotator(logLimits);
    this.executor = Executors.newScheduledThreadPool(2, daemonThreads());
    this.hostUnavailable = computeHostUnavailable();
    if (hostUnavailable == null) {
      log.atInfo().setMessage("Process runtime ready").addKeyValue("event", "process_runtime_ready")
          .addKeyValue("launcher", launcher.description()).log();
    }
    // Before anything starts: what earlier operators over this state dir left running, by token.
    if (hostUnavailable == null) {
      for (TokenScan.Found f : TokenScan.scan(dirs.root())) {
        inherited.computeIfAbsent(f.runtimeDir(), d -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(f);
      }
    }
    this.context = new ServiceSupervisor.Context(dirs, launcher, allowList, envPolicy, clock, executor,
        id -> trigger.accept(id), dir -> {
          List<TokenScan.Found> found = inherited.remove(dir);
          return found == null ? List.of() : List.copyOf(found);
        }, hook);
    if (hostUnavailable == null) {
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
    if (hostUnavailable != null) {
      return hostUnavailable;
    }
    if (allowList.patterns().isEmpty()) {
      return allowList.refusalHint("{path}").equals("(" + ExecAllowList.FLAG + ")")
          ? "runtime Process is enabled but allows no executable: start the operator with --allow-exec PATTERN"
          : "runtime Process allows no executable yet " + allowList.refusalHint("the command's path");
    }
    return null;
  }

  private String computeHostUnavailable() {
    if (!config.processRuntimeEnabled()) {
      return "runtime Process is disabled on this operator: start it with --process-runtime and --allow-exec PATTERN";
    }
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return "runtime Process needs Linux /proc on the operator's host";
    }
    if (launcher instanceof JdkProcessLauncher && !Files.isExecutable(JdkProcessLauncher.SETSID)) {
      return "runtime Process needs posix_spawn and pidfds (" + SpawnProcessLauncher.unavailableReason() + ") or "
          + JdkProcessLauncher.SETSID + " (util-linux) on the operator's host";
    }
    return null;
  }

  /**
   * Replaces the allow-list (a settings reload) and reconciles every service it knows and those
   * named (the runtime never saw a service while it allowed nothing) again, so one refused with
   * CommandNotAllowed or RuntimeUnavailable starts now if allowed. Narrowing stops nothing that runs: a command no
   * longer allowed is refused at its next start (docs/local.md, "Reload").
   *
   * @throws IllegalArgumentException when a pattern is invalid; the list in force is then kept
   */
  public void replaceAllowList(List<String> patterns, java.util.Collection<ResourceID> alsoReconcile) {
    allowList.replace(patterns);
    Set<ResourceID> all = new java.util.HashSet<>(known);
    all.addAll(alsoReconcile);
    all.forEach(id -> trigger.accept(id));
  }

  /**
   * Stops every process of every service deliberately, each within its stopGracePeriodSeconds but
   * at most {@code maxGrace}, and records the stops as such: the next operator on this state dir
   * starts them afresh (no exit to report, no restart counted). For an operator going away for good
   * ({@code local}); waits until they are gone and returns how many there were.
   */
  public int stopAll(java.time.Duration maxGrace) {
    java.util.concurrent.CountDownLatch pending = new java.util.concurrent.CountDownLatch(services.size());
    int stopping = 0;
    for (ServiceSupervisor s : services.values()) {
      stopping += s.shutdown(maxGrace, pending::countDown);
    }
    try {
      // StopTask sends SIGKILL after the grace; the rest is the kernel reaping and our bookkeeping.
      if (!pending.await(maxGrace.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
        log.atWarn().setMessage("Some processes did not stop in time").addKeyValue("event", "stop_timeout").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return stopping;
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
    known.add(ResourceID.fromResource(service));
    List<SpecProblem> problems = new java.util.ArrayList<>(ProcessSpecCheck.check(service, allowList, envPolicy));
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
    Path dir = runtimeDir(service);
    Map<String, String> logs = new java.util.HashMap<>();
    for (var p : ServiceSupervisor.processesOf(service)) {
      try {
        logs.put(p.getName(), dirs.logFile(dir, p.getName()).toString());
      } catch (IllegalArgumentException e) {
        // a name that is no file name has no log: the validator refuses the spec, observing must not throw
      }
    }
    ServiceSupervisor supervisor = supervisor(service);
    String stateError = supervisor.stateError();
    return RuntimeObservation.ofProcesses(supervisor.observe(service)).withLogs(logs)
        .withError(stateError == null ? null : "Runtime error: " + stateError);
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

  /** A supervisor of the service's processes exists (it is dropped by {@link #forget}). */
  @Override
  public boolean holds(ProcService service) {
    return services.containsKey(ResourceID.fromResource(service));
  }

  @Override
  public void forget(ProcService service) {
    ResourceID id = ResourceID.fromResource(service);
    known.remove(id);
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

  /**
   * Stops what earlier operators left running for services that no longer exist (a kill after
   * the finalizer was removed, or a record deleted with its service): nothing may run unsupervised.
   * exists tells whether a ProcService is known to the API; call it once the informers are synced.
   * Returns how many processes it began to stop.
   */
  public int stopOrphans(java.util.function.Predicate<ResourceID> exists) {
    int n = 0;
    for (Path dir : List.copyOf(inherited.keySet())) {
      Path ns = dir.getParent();
      ResourceID id = new ResourceID(dir.getFileName().toString(), ns.getFileName().toString());
      if (exists.test(id) || services.containsKey(id)) {
        continue;
      }
      List<TokenScan.Found> found = inherited.remove(dir); // atomically ours: a supervisor cannot claim it too
      for (TokenScan.Found f : found == null ? List.<TokenScan.Found>of() : found) {
        if (!f.alive()) {
          continue;
        }
        log.atWarn().setMessage("Stopping a process of a service that no longer exists")
            .addKeyValue("event", "process_orphan").addKeyValue("service", id).addKeyValue("process", f.process())
            .addKeyValue("pid", f.pid()).log();
        StopTask task = new StopTask(f.process(), f.pid(), f.startTicks(), false,
            ServiceSupervisor.DUPLICATE_GRACE, orphanStops::remove);
        orphanStops.add(task);
        task.begin(executor);
        n++;
      }
    }
    return n;
  }

  /**
   * Stops every process this runtime supervises, adopted ones included, and every process of ours
   * still unclaimed: SIGTERM to each session and group, SIGKILL to what is left after grace. Blocks
   * until nothing is left or the grace plus a second has passed; returns how many leaders it stopped.
   * For {@code local}, which must leave nothing behind; {@code run} leaves processes for adoption.
   */
  public int terminateAll(Duration grace) {
    Map<Long, ProcessGroupSignals.Target> leaders = new java.util.LinkedHashMap<>();
    Map<Long, Long> ticks = new java.util.LinkedHashMap<>();
    for (ServiceSupervisor s : services.values()) {
      s.liveLeaders().forEach(ticks::putIfAbsent);
    }
    inherited.values().forEach(list -> list.forEach(f -> ticks.putIfAbsent(f.pid(), f.startTicks())));
    TokenScan.scan(dirs.root()).forEach(f -> ticks.putIfAbsent(f.pid(), f.startTicks()));
    List<ProcessGroupSignals.Target> targets = new java.util.ArrayList<>();
    ProcTable first = ProcTable.fresh();
    ticks.forEach((pid, t) -> targets.addAll(ProcessGroupSignals.remaining(pid, t, List.of(), first)));
    targets.forEach(t -> leaders.putIfAbsent(t.pid(), t));
    ProcessGroupSignals.signal(leaders.values(), false);
    long deadline = System.nanoTime() + grace.toNanos();
    boolean killed = false;
    while (true) {
      List<ProcessGroupSignals.Target> left = new java.util.ArrayList<>();
      ProcTable table = ProcTable.fresh(); // one read of /proc for all leaders, not one each
      ticks.forEach((pid, t) -> left.addAll(ProcessGroupSignals.remaining(pid, t, leaders.values(), table)));
      if (left.isEmpty()) {
        break;
      }
      if (System.nanoTime() - deadline >= 0) {
        ProcessGroupSignals.signal(left, true);
        if (killed && System.nanoTime() - deadline >= Duration.ofSeconds(1).toNanos()) {
          break;
        }
        killed = true;
      }
      try {
        Thread.sleep(StopTask.POLL.toMillis()); // a blocking shutdown step, not a test wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ticks.size();
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
    return services.computeIfAbsent(ResourceID.fromResource(service), id -> {
      ServiceSupervisor s = new ServiceSupervisor(id, context);
      s.capGrace(maxStopGrace);
      return s;
    });
  }

  /**
   * No stop waits longer than {@code max} between SIGTERM and SIGKILL, whatever a service's
   * stopGracePeriodSeconds says ({@code local --max-stop-grace}); null: the spec alone decides.
   */
  public void maxStopGrace(java.time.Duration max) {
    this.maxStopGrace = max;
    services.values().forEach(s -> s.capGrace(max));
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
