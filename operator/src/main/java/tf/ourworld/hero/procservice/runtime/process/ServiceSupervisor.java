package tf.ourworld.hero.procservice.runtime.process;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * Supervises the local processes of one ProcService: starts, watches, stops and re-adopts them,
 * and keeps {@code state.json} in step. Every public method returns at once; stops run as
 * {@link StopTask}s on the runtime's scheduler.
 */
final class ServiceSupervisor {
  private static final Logger log = LoggerFactory.getLogger(ServiceSupervisor.class);

  /** What every supervisor shares with the runtime. */
  record Context(RuntimeDirs dirs, ProcessLauncher launcher, ExecAllowList allowList, EnvPolicy envPolicy, Clock clock,
      ScheduledExecutorService executor, Consumer<ResourceID> changed,
      Function<Path, List<TokenScan.Found>> inherited, LaunchHook hook) {
  }

  /** Called around each fork; the chaos tests use it to kill the operator at exact moments. */
  interface LaunchHook {
    LaunchHook NONE = moment -> { };

    /** moment is "intent-recorded" (before the fork) or "forked" (before the pid is recorded). */
    void at(String moment);
  }

  /** Grace for duplicates found at start: they were never meant to run, so no long wait. */
  static final Duration DUPLICATE_GRACE = Duration.ofSeconds(5);

  private final ResourceID id;
  private final Context ctx;
  private final Path serviceDir;
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  /** Stops that clean up after a process that ended by itself but left children behind. */
  private final List<StopTask> cleanups = new ArrayList<>();
  private volatile String stateError;
  /** The newest spec seen: a restart started after the grace uses it. */
  private ProcService latest;
  /** Set by {@link #capGrace} and {@link #shutdown}: no stop waits longer than this. */
  private Duration graceCap;

  ServiceSupervisor(ResourceID id, Context ctx) {
    this.id = id;
    this.ctx = ctx;
    this.serviceDir = ctx.dirs().serviceDir(id.getNamespace().orElseThrow(), id.getName());
    List<TokenScan.Found> inherited = ctx.inherited().apply(serviceDir);
    try {
      adopt(inherited);
    } catch (RuntimeException e) {
      // Never let a bad record make every reconcile throw: treat it as damaged.
      log.atError().setMessage("State file could not be applied; adopting by token only")
          .addKeyValue("service", id).setCause(e).log();
      processes.clear();
      adoptByTokenOnly(inherited, Set.of());
    }
  }

  Path serviceDir() {
    return serviceDir;
  }

  synchronized List<ProcessObservation> observe(ProcService service) {
    latest = service;
    List<ProcessObservation> result = new ArrayList<>();
    for (ProcessSpec spec : processesOf(service)) {
      ManagedProcess mp = processes.get(spec.getName());
      result.add(mp == null ? ProcessObservation.notStarted(spec.getName()) : mp.observation());
    }
    return result;
  }

  /**
   * True when a running process was started from a different command, args, env or workingDir than
   * the spec now says (a spec change), so the reconciler replaces it.
   */
  synchronized boolean specChanged(ProcService service) {
    for (ProcessSpec spec : processesOf(service)) {
      ManagedProcess mp = processes.get(spec.getName());
      if (mp != null && mp.phase == Phase.Running && mp.specHash != null
          && !mp.specHash.equals(SpecFingerprint.of(spec))) {
        return true;
      }
    }
    return false;
  }

  synchronized void start(ProcService service, Set<String> names) {
    latest = service;
    stopUndeclared(service);
    for (ProcessSpec spec : processesOf(service)) {
      if (names.isEmpty() || names.contains(spec.getName())) {
        ManagedProcess mp = processes.computeIfAbsent(spec.getName(), ManagedProcess::new);
        if (!mp.running()) {
          launch(mp, spec);
        }
      }
    }
    persist();
  }

  synchronized void restart(ProcService service, Set<String> names) {
    latest = service;
    stopUndeclared(service);
    for (ProcessSpec spec : processesOf(service)) {
      if (!names.isEmpty() && !names.contains(spec.getName())) {
        continue;
      }
      ManagedProcess mp = processes.computeIfAbsent(spec.getName(), ManagedProcess::new);
      Runnable startAgain = () -> startAfterStop(spec.getName());
      if (mp.stopTask != null) {
        mp.stopTask.then = startAgain;
      } else if (mp.running()) {
        beginStop(mp, startAgain);
      } else {
        launch(mp, spec);
      }
    }
    persist();
  }

  /** Begins stopping everything; true once nothing of the service is left. */
  synchronized boolean stop(ProcService service) {
    latest = service;
    boolean pending = false;
    for (ManagedProcess mp : processes.values()) {
      if (mp.stopTask != null) {
        mp.stopTask.then = null; // a stop wins over a restart in progress
        pending = true;
      } else if (mp.running()) {
        beginStop(mp, null);
        pending = true;
      }
    }
    if (!cleanups.isEmpty()) {
      pending = true;
    }
    if (!pending) {
      boolean changed = false;
      for (ManagedProcess mp : processes.values()) {
        changed |= mp.phase != Phase.NotStarted || mp.lastExit != null;
        stoppedOnPurpose(mp);
      }
      if (changed) {
        persist(); // a suspended service reconciled again writes nothing
      }
    }
    return !pending;
  }

  /**
   * The operator is going away for good ({@code local} stopping): stops every process on purpose,
   * within its grace but at most {@code maxGrace}, and records each stop as one that does not
   * count the start it ends, so that the next operator starts it afresh: no exit to report and the
   * same restart count. Runs {@code done} once nothing is left; returns how many it stops.
   */
  synchronized int shutdown(Duration maxGrace, Runnable done) {
    capGrace(graceCap == null || maxGrace.compareTo(graceCap) < 0 ? maxGrace : graceCap);
    List<ManagedProcess> live = processes.values().stream().filter(mp -> mp.running() || mp.stopTask != null)
        .toList();
    if (live.isEmpty()) {
      done.run();
      return 0;
    }
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(live.size());
    for (ManagedProcess mp : live) {
      Runnable stopped = () -> {
        stoppedOnPurpose(mp);
        mp.starts = Math.max(0, mp.starts - 1);
        if (left.decrementAndGet() == 0) {
          done.run();
        }
      };
      if (mp.stopTask != null) {
        mp.stopTask.then = stopped; // a restart in progress is not finished: the next operator starts it
      } else {
        beginStop(mp, stopped);
      }
    }
    return live.size();
  }

  /** No stop started from now on waits longer than {@code max} (null: no cap). */
  synchronized void capGrace(Duration max) {
    graceCap = max;
  }

  /** True when nothing runs and nothing is being stopped. */
  synchronized boolean idle() {
    return cleanups.isEmpty() && processes.values().stream().noneMatch(mp -> mp.running() || mp.stopTask != null);
  }

  /** Removes the state file; the logs dir and anything else in the runtime dir stay. */
  synchronized void forget() {
    try {
      Files.deleteIfExists(ctx.dirs().stateFile(serviceDir));
    } catch (IOException e) {
      log.atWarn().setMessage("Could not remove state file").addKeyValue("service", id).setCause(e).log();
    }
    processes.clear();
  }

  /** pid to start ticks of each live process leader, adopted ones included. */
  synchronized Map<Long, Long> liveLeaders() {
    Map<Long, Long> out = new LinkedHashMap<>();
    for (ManagedProcess mp : processes.values()) {
      if (mp.running() && mp.pid > 0) {
        out.put(mp.pid, mp.startTicks);
      }
    }
    return out;
  }

  /** Log files of processes that are running, for rotation. */
  synchronized List<Path> liveLogFiles() {
    List<Path> files = new ArrayList<>();
    for (ManagedProcess mp : processes.values()) {
      if (mp.running()) {
        files.add(ctx.dirs().logFile(serviceDir, mp.name));
      }
    }
    return files;
  }

  /** Notices the end of adopted processes (not our children: no exit notice from the kernel). */
  void pollAdopted() {
    List<Runnable> exits = new ArrayList<>();
    synchronized (this) {
      for (ManagedProcess mp : processes.values()) {
        if (mp.adopted && mp.running() && !ProcStat.isAlive(mp.pid, mp.startTicks)) {
          long generation = mp.generation;
          exits.add(() -> onExit(mp, generation, ExitCodes.unknown(ctx.clock().instant(), ExitCodes.ADOPTED_UNKNOWN)));
        }
      }
    }
    exits.forEach(Runnable::run);
  }

  private void launch(ManagedProcess mp, ProcessSpec spec) {
    Instant now = ctx.clock().instant();
    ExecAllowList.Resolution resolution = spec.getCommand().isEmpty()
        ? null : ctx.allowList().resolve(spec.getCommand().get(0));
    if (resolution == null || !resolution.allowed()) {
      // check() reports why; never run something the allow-list refuses, even if asked to.
      log.atWarn().setMessage("Refusing to start a process whose command is not allowed")
          .addKeyValue("event", "process_refused").addKeyValue("service", id).addKeyValue("process", mp.name).log();
      return;
    }
    ProcessLauncher.Launched launched;
    String token = UUID.randomUUID().toString();
    String previousToken = mp.token;
    try {
      ctx.dirs().create(serviceDir);
      if (spec.getEnv() != null && !spec.getEnv().stream().allMatch(e -> e.getName() != null
          && ProcessSpecCheck.ENV_NAME.matcher(e.getName()).matches())) {
        throw new IOException("invalid environment variable name");
      }
      for (EnvVarSpec e : spec.getEnv() == null ? List.<EnvVarSpec>of() : spec.getEnv()) {
        if (ctx.envPolicy().refusedBy(e.getName()).isPresent()) {
          // check() reports it (EnvNotAllowed); never start with it, even if asked to.
          throw new IOException("environment variable " + e.getName() + " is not allowed by this operator ("
              + EnvPolicy.FLAG + ")");
        }
      }
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvVarSpec e : spec.getEnv() == null ? List.<EnvVarSpec>of() : spec.getEnv()) {
        env.put(e.getName(), e.getValue());
      }
      List<String> args = new ArrayList<>(spec.getCommand().subList(1, spec.getCommand().size()));
      args.addAll(spec.getArgs() == null ? List.of() : spec.getArgs());
      ProcessLauncher.Request request = new ProcessLauncher.Request(mp.name, resolution.path(), args, env,
          RuntimeDirs.workingDir(serviceDir, spec.getWorkingDir()), serviceDir,
          ctx.dirs().logFile(serviceDir, mp.name), token);
      // The intent, on disk before the child exists: a crash from here on leaves a record whose
      // token finds the child (or shows that none was forked). No record, no fork.
      mp.token = token;
      mp.intent = true;
      try {
        write();
      } catch (IOException e) {
        throw new IOException("could not record the start in " + RuntimeDirs.STATE_FILE + ": " + e.getMessage(), e);
      }
      ctx.hook().at("intent-recorded");
      launched = ctx.launcher().launch(request, now);
      ctx.hook().at("forked");
    } catch (IOException | RuntimeException e) {
      mp.intent = false;
      mp.token = previousToken;
      // An IOException names paths; anything else (ProcessBuilder rejecting an argument or an
      // environment value) may quote the value, which may be a secret: never pass it on.
      String why = e instanceof IOException ? e.getMessage() : "invalid command, argument or environment";
      mp.phase = Phase.Exited;
      mp.lastExit = ExitCodes.unknown(now, "failed to start: " + why);
      log.atWarn().setMessage("Process failed to start").addKeyValue("event", "process_start_failed")
          .addKeyValue("service", id).addKeyValue("process", mp.name).addKeyValue("error", why).log();
      return;
    }
    mp.intent = false;
    mp.generation++;
    mp.starts++;
    mp.exit = launched.exit();
    mp.pid = launched.pid();
    mp.startTicks = launched.startTicks();
    mp.startTime = now;
    mp.command = resolution.path().toString();
    mp.specHash = SpecFingerprint.of(spec);
    mp.adopted = false;
    mp.phase = Phase.Running;
    long generation = mp.generation;
    log.atInfo().setMessage("Started process").addKeyValue("event", "process_started").addKeyValue("service", id)
        .addKeyValue("process", mp.name).addKeyValue("pid", mp.pid).addKeyValue("starts", mp.starts).log();
    // Async, on our executor: the callback takes this lock and must not run inside launch().
    launched.exit().thenAcceptAsync(status -> onExit(mp, generation, ExitCodes.of(status, ctx.clock().instant())),
        ctx.executor());
  }

  /** The leader of generation ended: record how, and clean up what it left if nobody asked it to stop. */
  private void onExit(ManagedProcess mp, long generation, Exit exit) {
    synchronized (this) {
      if (mp.generation != generation || mp.exitedGeneration == generation) {
        return;
      }
      mp.exitedGeneration = generation;
      mp.lastExit = exit;
      mp.exit = null;
      log.atInfo().setMessage("Process ended").addKeyValue("event", "process_exited").addKeyValue("service", id)
          .addKeyValue("process", mp.name).addKeyValue("pid", mp.pid).addKeyValue("code", exit.code())
          .addKeyValue("signal", exit.signal()).addKeyValue("deliberate", mp.stopTask != null).log();
      if (mp.stopTask != null) {
        return; // the stop in progress finishes once the rest is gone too
      }
      mp.phase = Phase.Exited;
      persist();
      cleanUpAfter(mp);
    }
    ctx.changed().accept(id);
  }

  private void cleanUpAfter(ManagedProcess mp) {
    // A read of /proc from after the end (shared with other exits at the same time): what the
    // process left, forked even just before it ended, is in it.
    if (ProcessGroupSignals.remaining(mp.pid, mp.startTicks, List.of(), ProcTable.fresh()).isEmpty()) {
      return;
    }
    StopTask task = new StopTask(mp.name, mp.pid, mp.startTicks, false, grace(), this::cleanupDone);
    cleanups.add(task);
    task.begin(ctx.executor());
  }

  private void cleanupDone(StopTask task) {
    synchronized (this) {
      cleanups.remove(task);
    }
    ctx.changed().accept(id);
  }

  private void beginStop(ManagedProcess mp, Runnable then) {
    mp.phase = Phase.Stopping;
    StopTask task = new StopTask(mp.name, mp.pid, mp.startTicks, true, grace(), this::stopDone);
    task.then = then;
    mp.stopTask = task;
    task.begin(ctx.executor());
  }

  private void stopDone(StopTask task) {
    synchronized (this) {
      ManagedProcess mp = processes.get(task.process);
      if (mp == null || mp.stopTask != task) {
        return;
      }
      mp.stopTask = null;
      recordExitIfMissing(mp);
      mp.exit = null;
      mp.phase = Phase.NotStarted;
      Runnable then = task.then;
      if (then != null) {
        then.run();
      } else {
        stoppedOnPurpose(mp);
      }
      persist();
    }
    ctx.changed().accept(id);
  }

  /**
   * The exit notice may still be on its way when the stop sees nothing left: take the exit now,
   * so that the late notice is ignored rather than turning a deliberate stop into an "Exited".
   */
  private void recordExitIfMissing(ManagedProcess mp) {
    if (mp.exitedGeneration == mp.generation) {
      return;
    }
    mp.exitedGeneration = mp.generation;
    CompletableFuture<WaitStatus> exit = mp.exit;
    if (exit == null) {
      mp.lastExit = ExitCodes.unknown(ctx.clock().instant(), ExitCodes.ADOPTED_UNKNOWN);
      return;
    }
    try {
      // Nothing is left, so it has ended: the reaper publishes how within moments.
      mp.lastExit = ExitCodes.of(exit.get(1, TimeUnit.SECONDS), ctx.clock().instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      mp.lastExit = ExitCodes.unknown(ctx.clock().instant(), ExitCodes.NOT_REAPED);
    }
  }

  private void startAfterStop(String name) {
    ManagedProcess mp = processes.get(name);
    ProcessSpec spec = processesOf(latest).stream().filter(p -> p.getName().equals(name)).findFirst()
        .orElse(null);
    if (mp != null && spec != null && !mp.running()) {
      launch(mp, spec);
    }
  }

  /** Processes removed from the spec are stopped, then forgotten. */
  private void stopUndeclared(ProcService service) {
    Set<String> declared = new java.util.HashSet<>();
    processesOf(service).forEach(p -> declared.add(p.getName()));
    for (ManagedProcess mp : new ArrayList<>(processes.values())) {
      if (declared.contains(mp.name)) {
        continue;
      }
      if (mp.stopTask != null) {
        mp.stopTask.then = () -> processes.remove(mp.name);
      } else if (mp.running()) {
        beginStop(mp, () -> processes.remove(mp.name));
      } else {
        processes.remove(mp.name);
      }
    }
  }

  /**
   * NotStarted without lastExit: a process stopped on purpose (suspend, delete) has no exit for
   * the reconciler to act on, so resuming starts it afresh instead of counting a restart.
   */
  private static void stoppedOnPurpose(ManagedProcess mp) {
    mp.phase = Phase.NotStarted;
    mp.lastExit = null;
  }

  /** The declared processes, never null. */
  static List<ProcessSpec> processesOf(ProcService service) {
    List<ProcessSpec> list = service.getSpec().getProcesses();
    return list == null ? List.of() : list;
  }

  private Duration grace() {
    Integer seconds = latest == null ? null : latest.getSpec().getStopGracePeriodSeconds();
    Duration grace = Duration.ofSeconds(seconds == null ? 30 : Math.max(0, seconds));
    return graceCap != null && graceCap.compareTo(grace) < 0 ? graceCap : grace;
  }

  /**
   * Reads state.json and re-adopts each recorded process that is provably the same one: the live
   * process carrying the recorded token, else (older records) the recorded pid with the recorded
   * start time. Every other live process of this service that carries a token of ours (a copy
   * forked by an operator that died before recording it) is stopped. A damaged file adopts by
   * token alone, one process per name, so it never leads to a second copy.
   */
  private void adopt(List<TokenScan.Found> inherited) {
    Path file = ctx.dirs().stateFile(serviceDir);
    StateFile.Content content;
    try {
      if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !inherited.isEmpty()) {
        // Deleted while its processes ran: as good as damaged.
        throw new StateFile.Damaged("missing while processes of the service run", null);
      }
      content = StateFile.read(file);
    } catch (StateFile.Damaged e) {
      log.atError().setMessage("Damaged state file moved aside; adopting its processes by token")
          .addKeyValue("event", "state_damaged").addKeyValue("service", id).addKeyValue("file", file)
          .addKeyValue("error", e.getMessage()).log();
      moveAside(file);
      adoptByTokenOnly(inherited, Set.of());
      persist();
      return;
    }
    Instant now = ctx.clock().instant();
    Set<String> keptTokens = new java.util.HashSet<>();
    for (Map.Entry<String, StateFile.ProcessRecord> e : content.processes().entrySet()) {
      StateFile.ProcessRecord r = e.getValue();
      ManagedProcess mp = new ManagedProcess(e.getKey());
      mp.starts = r.starts();
      mp.command = r.command();
      mp.specHash = r.specHash();
      mp.startTime = StateFile.time(r.startTime());
      mp.lastExit = r.exitTime() == null && r.exitMessage() == null && r.exitCode() == null ? null
          : new Exit(r.exitCode(), r.exitSignal(), StateFile.time(r.exitTime()), r.exitMessage());
      boolean intent = ProcessRecordPhase.STARTING.equals(r.phase());
      Optional<TokenScan.Found> byToken = r.token() == null ? Optional.empty() : leaderOf(inherited, r.token());
      if (byToken.isPresent() && (intent || "Running".equals(r.phase()) || "Stopping".equals(r.phase()))) {
        TokenScan.Found f = byToken.get();
        if (intent) {
          mp.starts++; // forked, but the operator died before counting it
          mp.startTime = now;
        }
        mp.phase = Phase.Running;
        mp.token = r.token();
        keptTokens.add(r.token());
        adoptLive(mp, f.pid(), f.startTicks());
      } else if (intent) {
        // Recorded, never forked (or the child is gone): as before the attempt.
        mp.phase = mp.starts == 0 ? Phase.NotStarted : Phase.Exited;
        if (mp.phase == Phase.Exited && mp.lastExit == null) {
          mp.lastExit = ExitCodes.unknown(now, ExitCodes.GONE_WHILE_DOWN);
        }
      } else {
        mp.phase = "Stopping".equals(r.phase()) ? Phase.Running : Phase.valueOf(r.phase());
        if (mp.phase == Phase.Running) {
          adoptOne(mp, r, now);
          if (mp.adopted && r.token() != null) {
            keptTokens.add(r.token()); // its own children carry the same token
          }
        }
      }
      processes.put(mp.name, mp);
    }
    stopOthers(inherited, keptTokens);
    if (!processes.isEmpty()) {
      persist();
    }
  }

  /** Without a usable record: per process name, adopt the oldest live leader by token; stop the rest. */
  private void adoptByTokenOnly(List<TokenScan.Found> inherited, Set<String> keptTokens) {
    Set<String> kept = new java.util.HashSet<>(keptTokens);
    Map<String, TokenScan.Found> chosen = new LinkedHashMap<>();
    for (TokenScan.Found f : inherited) {
      if (f.leader() && f.alive() && !processes.containsKey(f.process())) {
        chosen.merge(f.process(), f, (a, b) -> a.startTicks() <= b.startTicks() ? a : b);
      }
    }
    for (TokenScan.Found f : chosen.values()) {
      ManagedProcess mp = new ManagedProcess(f.process());
      mp.starts = 1;
      mp.startTime = ctx.clock().instant();
      mp.phase = Phase.Running;
      mp.token = f.token();
      kept.add(f.token());
      adoptLive(mp, f.pid(), f.startTicks());
      processes.put(mp.name, mp);
    }
    stopOthers(inherited, kept);
  }

  /** The session leader carrying token (the service process itself, not one of its children). */
  private static Optional<TokenScan.Found> leaderOf(List<TokenScan.Found> inherited, String token) {
    return inherited.stream().filter(f -> token.equals(f.token()) && f.leader() && f.alive())
        .min(java.util.Comparator.comparingLong(TokenScan.Found::startTicks));
  }

  /** Stops (SIGTERM, then SIGKILL, whole session and group) every live process of ours not kept. */
  private void stopOthers(List<TokenScan.Found> inherited, Set<String> keptTokens) {
    for (TokenScan.Found f : inherited) {
      if (keptTokens.contains(f.token()) || !f.alive()) {
        continue;
      }
      log.atWarn().setMessage("Stopping a process of this service that no record claims (a copy forked by an"
              + " operator that died before recording it)").addKeyValue("event", "process_duplicate")
          .addKeyValue("service", id).addKeyValue("process", f.process()).addKeyValue("pid", f.pid()).log();
      StopTask task = new StopTask(f.process(), f.pid(), f.startTicks(), false, DUPLICATE_GRACE, this::cleanupDone);
      cleanups.add(task);
      task.begin(ctx.executor());
    }
  }

  private void adoptLive(ManagedProcess mp, long pid, long ticks) {
    mp.pid = pid;
    mp.startTicks = ticks;
    mp.adopted = true;
    mp.generation = 1;
    log.atInfo().setMessage("Adopted running process").addKeyValue("event", "process_adopted")
        .addKeyValue("service", id).addKeyValue("process", mp.name).addKeyValue("pid", pid).log();
    // Also polled (pollAdopted), the safety net where the launcher cannot watch it (see whenGone).
    ctx.launcher().whenGone(pid, ticks).thenRunAsync(
        () -> onExit(mp, 1, ExitCodes.unknown(ctx.clock().instant(), ExitCodes.ADOPTED_UNKNOWN)), ctx.executor());
  }

  private void adoptOne(ManagedProcess mp, StateFile.ProcessRecord r, Instant now) {
    long pid = r.pid() == null ? 0 : r.pid();
    long ticks = r.startTicks() == null ? 0 : r.startTicks();
    if (pid > 0 && ProcStat.isAlive(pid, ticks)) {
      mp.token = r.token();
      adoptLive(mp, pid, ticks);
      return;
    }
    // Gone, or its pid now belongs to someone else: dead, and never signalled.
    mp.phase = Phase.Exited;
    mp.lastExit = ExitCodes.unknown(now, ExitCodes.GONE_WHILE_DOWN);
    log.atInfo().setMessage("Recorded process is gone").addKeyValue("event", "process_gone")
        .addKeyValue("service", id).addKeyValue("process", mp.name).addKeyValue("pid", pid).log();
    if (pid > 0) {
      mp.pid = pid;
      mp.startTicks = ticks;
      cleanUpAfter(mp); // children it left behind; remaining() refuses a session whose leader pid was reused
      mp.pid = 0;
      mp.startTicks = 0;
    }
  }

  private void write() throws IOException {
    Map<String, StateFile.ProcessRecord> records = new LinkedHashMap<>();
    processes.values().forEach(mp -> records.put(mp.name, mp.record()));
    ctx.dirs().create(serviceDir);
    StateFile.write(ctx.dirs().stateFile(serviceDir), StateFile.of(records));
  }

  /** Why the last state write failed, or null when it worked: reported in status as RuntimeError. */
  String stateError() {
    return stateError;
  }

  private void persist() {
    try {
      write();
      stateError = null;
    } catch (IOException e) {
      // Without the file a restarted operator cannot adopt: loud, in status too, but keep supervising.
      stateError = "cannot write " + ctx.dirs().stateFile(serviceDir) + ": " + e.getMessage()
          + " (a restarted operator could not adopt these processes)";
      log.atError().setMessage("Could not write state file").addKeyValue("event", "state_write_failed")
          .addKeyValue("service", id).setCause(e).log();
    }
  }

  /** Keeps a damaged record for inspection; a directory in its place is moved too (or writes fail, and nothing starts). */
  private static void moveAside(Path file) {
    try {
      if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
      if (Files.isDirectory(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
      }
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // Leave it: a file is overwritten by the next write; a directory makes writes fail, so no start.
    }
  }
}
