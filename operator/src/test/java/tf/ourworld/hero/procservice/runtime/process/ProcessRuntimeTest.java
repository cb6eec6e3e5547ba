package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.process;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.script;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.service;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.withEnv;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * The Process runtime against real child processes, with the host's default launcher (posix_spawn);
 * every test leaves no process behind.
 */
class ProcessRuntimeTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir
  Path tmp;
  Path bin;
  OperatorConfig config;
  final List<ProcessRuntime> runtimes = new ArrayList<>();
  final List<ProcService> services = new ArrayList<>();
  /** Every process a test saw, as pid + start ticks: none may be alive at the end. */
  final List<long[]> seen = new CopyOnWriteArrayList<>();
  final List<ResourceID> triggered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin")).toRealPath();
    config = OperatorConfig.defaults().withProcessRuntime(true, List.of(bin + "/*")).withStateDir(tmp.resolve("state"));
  }

  @AfterEach
  void stopEverything() {
    ProcessRuntime last = runtimes.isEmpty() ? null : runtimes.get(runtimes.size() - 1);
    if (last != null) {
      for (ProcService s : services) {
        await().atMost(LONG).until(() -> last.stop(s));
      }
    }
    runtimes.forEach(ProcessRuntime::close);
    for (long[] p : seen) {
      assertThat(ProcStat.isAlive(p[0], p[1])).as("process %d left behind", p[0]).isFalse();
    }
  }

  /** The launcher under test: the host's default here, Java's in {@link ProcessRuntimeJdkLauncherTest}. */
  ProcessLauncher launcher() {
    return ProcessLauncher.forHost();
  }

  private ProcessRuntime runtime(LogLimits limits) {
    ProcessRuntime rt = new ProcessRuntime(config, Clock.systemUTC(), limits, new ExecAllowList(config.allowExec()),
        ChaosHook.fromSystemProperty(), launcher());
    rt.onChange(triggered::add);
    runtimes.add(rt);
    return rt;
  }

  private ProcessRuntime runtime() {
    return runtime(LogLimits.defaults());
  }

  private ProcService track(ProcService s) {
    services.add(s);
    return s;
  }

  private ProcessObservation observed(ProcessRuntime rt, ProcService s, String name) {
    ProcessObservation o = rt.observe(s).process(name).orElseThrow();
    if (o.pid() != null) {
      remember(o.pid());
    }
    return o;
  }

  private ProcessObservation awaitPhase(ProcessRuntime rt, ProcService s, String name, Phase phase) {
    await().atMost(LONG).until(() -> observed(rt, s, name).phase() == phase);
    return observed(rt, s, name);
  }

  private void remember(long pid) {
    ProcStat.read(pid).ifPresent(st -> seen.add(new long[] {pid, st.startTicks()}));
  }

  private long awaitPidFile(Path file) throws IOException {
    await().atMost(LONG).until(() -> Files.exists(file) && !Files.readString(file).isBlank());
    long pid = Long.parseLong(Files.readString(file).trim());
    remember(pid);
    return pid;
  }

  private static ResourceID id(ProcService s) {
    return new ResourceID(s.getMetadata().getName(), s.getMetadata().getNamespace());
  }

  @Test
  void startsInItsOwnSessionWithoutShellWithRuntimeDirAndEnv() throws IOException {
    Path cmd = script(bin, "envdump.sh", """
        echo "dir=$PROCSERVICE_RUNTIME_DIR" > "$PROCSERVICE_RUNTIME_DIR/env.out"
        echo "cwd=$(pwd)" >> "$PROCSERVICE_RUNTIME_DIR/env.out"
        echo "greeting=$GREETING" >> "$PROCSERVICE_RUNTIME_DIR/env.out"
        exec /bin/sleep 300""");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("envdump", 5, withEnv(process("main", cmd), "GREETING", "hello")));
    s.getSpec().getProcesses().get(0).setWorkingDir("work");
    rt.start(s, Set.of());
    ProcessObservation o = awaitPhase(rt, s, "main", Phase.Running);

    Path dir = rt.runtimeDir(s);
    assertThat(dir).isEqualTo(tmp.resolve("state/test/envdump").toAbsolutePath());
    await().atMost(LONG).until(() -> Files.exists(dir.resolve("env.out"))
        && Files.readString(dir.resolve("env.out")).contains("greeting="));
    assertThat(Files.readAllLines(dir.resolve("env.out")))
        .containsExactly("dir=" + dir, "cwd=" + dir.toRealPath().resolve("work"), "greeting=hello");
    // setsid exec'd in place: the pid Java knows is the service process, leading its session and group.
    ProcStat stat = ProcStat.read(o.pid()).orElseThrow();
    assertThat(stat.session()).isEqualTo(o.pid());
    assertThat(stat.pgrp()).isEqualTo(o.pid());
    assertThat(stat.ppid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(o.incarnation()).isEqualTo(o.pid() + "/" + stat.startTicks());
    assertThat(o.runtimeRestarts()).isZero();
    assertThat(o.adopted()).isFalse();
    assertThat(Files.readString(dir.resolve("state.json"))).contains("\"pid\" : " + o.pid());
  }

  /** Found by ReconcilerFuzzIT: a name that is no file name made observe throw, and RuntimeError hid InvalidSpec. */
  @Test
  void observingASpecWhoseProcessNamesAreNoFileNamesDoesNotThrow() {
    ProcessRuntime rt = runtime();
    for (String name : new String[] {"", "a/b", "..", "x\0y"}) {
      ProcService s = service("badname", 5, process(name, Path.of("/bin/true")));
      assertThat(rt.observe(s).process(name)).as("'%s'", name).isPresent();
    }
  }

  @Test
  void crashIsNoticedAtOnceAndTriggersAReconcile() throws IOException {
    Path cmd = script(bin, "crash.sh", "while [ ! -e go ]; do sleep 0.05; done\nexit 3");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("crash", 5, process("main", cmd)));
    rt.start(s, Set.of());
    awaitPhase(rt, s, "main", Phase.Running);
    triggered.clear();

    Files.createFile(rt.runtimeDir(s).resolve("go"));
    await().atMost(LONG).until(() -> triggered.contains(id(s)));
    ProcessObservation o = observed(rt, s, "main");
    assertThat(o.phase()).isEqualTo(Phase.Exited);
    assertThat(o.pid()).isNull();
    assertThat(o.lastExit().code()).isEqualTo(3);
    assertThat(o.lastExit().signal()).isNull();
    assertThat(o.lastExit().time()).isNotNull();
  }

  @Test
  void killDashNineIsReportedAs137Sigkill() throws IOException {
    Path cmd = script(bin, "sleeper.sh", "exec /bin/sleep 300");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("kill9", 5, process("main", cmd)));
    rt.start(s, Set.of());
    long pid = awaitPhase(rt, s, "main", Phase.Running).pid();
    triggered.clear();

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    await().atMost(LONG).until(() -> triggered.contains(id(s)));
    ProcessObservation.Exit exit = observed(rt, s, "main").lastExit();
    assertThat(exit.code()).isEqualTo(137);
    assertThat(exit.signal()).isEqualTo("SIGKILL");
    assertThat(observed(rt, s, "main").phase()).isEqualTo(Phase.Exited);
  }

  @Test
  void startAndRestartCountRestartsAndChangeIncarnation() throws IOException {
    Path cmd = script(bin, "sleeper.sh", "exec /bin/sleep 300");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("restart", 5, process("main", cmd)));
    rt.start(s, Set.of());
    ProcessObservation first = awaitPhase(rt, s, "main", Phase.Running);
    rt.start(s, Set.of()); // already running: nothing happens
    assertThat(observed(rt, s, "main").incarnation()).isEqualTo(first.incarnation());
    triggered.clear();

    rt.restart(s, Set.of("main"));
    await().atMost(LONG).until(() -> {
      ProcessObservation o = observed(rt, s, "main");
      return o.phase() == Phase.Running && !o.incarnation().equals(first.incarnation());
    });
    ProcessObservation second = observed(rt, s, "main");
    assertThat(second.runtimeRestarts()).isEqualTo(1);
    assertThat(second.lastExit().signal()).isEqualTo("SIGTERM");
    // The trigger is sent after the restart's lock is released: await it, never assume it.
    await().atMost(LONG).until(() -> triggered.contains(id(s)));
    assertThat(ProcStat.read(first.pid()).filter(ProcStat::alive)
        .filter(st -> first.incarnation().equals(first.pid() + "/" + st.startTicks()))).isEmpty();

    // After it exits, start() starts it again and counts that too.
    ProcessHandle.of(second.pid()).orElseThrow().destroyForcibly();
    awaitPhase(rt, s, "main", Phase.Exited);
    rt.start(s, Set.of());
    ProcessObservation third = awaitPhase(rt, s, "main", Phase.Running);
    assertThat(third.runtimeRestarts()).isEqualTo(2);
    assertThat(third.incarnation()).isNotIn(first.incarnation(), second.incarnation());
  }

  @Test
  void processIgnoringSigtermIsKilledAfterTheGraceWithAllItsChildren() throws IOException {
    Path cmd = script(bin, "stubborn.sh", """
        trap '' TERM
        /bin/sleep 300 &
        echo $! > child.pid
        /usr/bin/setsid /bin/sleep 300 &
        echo $! > escaped.pid
        while :; do sleep 1; done""");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("stubborn", 2, process("main", cmd)));
    rt.start(s, Set.of());
    long leader = awaitPhase(rt, s, "main", Phase.Running).pid();
    Path dir = rt.runtimeDir(s);
    long child = awaitPidFile(dir.resolve("child.pid"));
    long escaped = awaitPidFile(dir.resolve("escaped.pid"));
    assertThat(ProcStat.read(escaped).orElseThrow().session()).as("escaped its session").isEqualTo(escaped);

    assertThat(rt.stop(s)).isFalse();
    assertThat(observed(rt, s, "main").phase()).isEqualTo(Phase.Stopping);
    await().atMost(LONG).until(() -> rt.stop(s));

    for (long pid : new long[] {leader, child, escaped}) {
      assertThat(ProcStat.read(pid).filter(ProcStat::alive)).as("pid %d", pid).isEmpty();
    }
    ProcessObservation o = observed(rt, s, "main");
    assertThat(o.phase()).isEqualTo(Phase.NotStarted);
    assertThat(o.lastExit()).as("stopped on purpose: nothing for the reconciler to restart").isNull();
    assertThat(rt.stop(s)).as("idempotent").isTrue();

    // Resuming is a fresh start, counted as a start by this runtime.
    rt.start(s, Set.of());
    ProcessObservation resumed = awaitPhase(rt, s, "main", Phase.Running);
    assertThat(resumed.runtimeRestarts()).isEqualTo(1);
    assertThat(resumed.lastExit()).isNull();
  }

  @Test
  void restartDoesNotBlockForTheGraceAndShowsStopping() throws IOException {
    Path cmd = script(bin, "deaf.sh", "trap '' TERM\nwhile :; do sleep 1; done");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("deaf", 2, process("main", cmd)));
    rt.start(s, Set.of());
    ProcessObservation first = awaitPhase(rt, s, "main", Phase.Running);

    rt.restart(s, Set.of());
    // Returned before the 2 s grace: the old process ignores SIGTERM and is still being stopped.
    assertThat(observed(rt, s, "main").phase()).isEqualTo(Phase.Stopping);
    assertThat(ProcStat.isAlive(first.pid(), ProcStat.read(first.pid()).orElseThrow().startTicks())).isTrue();
    await().atMost(LONG).until(() -> observed(rt, s, "main").phase() == Phase.Running
        && !observed(rt, s, "main").incarnation().equals(first.incarnation()));
    ProcessObservation second = observed(rt, s, "main");
    assertThat(second.runtimeRestarts()).isEqualTo(1);
    assertThat(second.lastExit().signal()).isEqualTo("SIGKILL");
  }

  @Test
  void processRemovedFromTheSpecIsStoppedOnStart() throws IOException {
    Path cmd = script(bin, "sleeper.sh", "exec /bin/sleep 300");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("shrink", 5, process("main", cmd), process("extra", cmd)));
    rt.start(s, Set.of());
    long extra = awaitPhase(rt, s, "extra", Phase.Running).pid();

    ProcService smaller = service("shrink", 5, process("main", cmd));
    rt.start(smaller, Set.of());
    await().atMost(LONG).until(() -> ProcStat.read(extra).filter(ProcStat::alive).isEmpty());
    assertThat(observed(rt, smaller, "main").phase()).isEqualTo(Phase.Running);
    await().atMost(LONG).until(() -> !Files.readString(rt.runtimeDir(s).resolve("state.json")).contains("extra"));
  }

  @Test
  void childrenLeftByAProcessThatEndedByItselfAreStoppedToo() throws IOException {
    Path cmd = script(bin, "leaver.sh", """
        /bin/sleep 300 &
        echo $! > left.pid
        while [ ! -e go ]; do sleep 0.05; done""");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("leaver", 5, process("main", cmd)));
    rt.start(s, Set.of());
    awaitPhase(rt, s, "main", Phase.Running);
    long left = awaitPidFile(rt.runtimeDir(s).resolve("left.pid"));

    Files.createFile(rt.runtimeDir(s).resolve("go"));
    assertThat(awaitPhase(rt, s, "main", Phase.Exited).lastExit().code()).isZero();
    await().atMost(LONG).until(() -> ProcStat.read(left).filter(ProcStat::alive).isEmpty());
    await().atMost(LONG).until(() -> rt.stop(s));
  }

  @Test
  void logsAreWrittenAndRotatedAtTheSizeBound() throws IOException {
    // Four bursts larger than the bound; each waits until the rotator has shrunk the file.
    Path cmd = script(bin, "chatty.sh", """
        for burst in 1 2 3 4; do
          i=0
          while [ $i -lt 150 ]; do echo "burst $burst line $i of chatty output, padded"; i=$((i+1)); done
          while [ $(stat -c %s "$PROCSERVICE_RUNTIME_DIR/logs/main.log") -ge 4096 ]; do sleep 0.05; done
        done
        echo "to stderr" >&2
        exec /bin/sleep 300""");
    ProcessRuntime rt = runtime(new LogLimits(4096, 3, Duration.ofMillis(50)));
    ProcService s = track(service("chatty", 5, process("main", cmd)));
    rt.start(s, Set.of());
    awaitPhase(rt, s, "main", Phase.Running);
    Path log = rt.runtimeDir(s).resolve("logs/main.log");
    Path log1 = log.resolveSibling("main.log.1");
    Path log2 = log.resolveSibling("main.log.2");

    await().atMost(LONG).until(() -> Files.exists(log2) && Files.readString(log).contains("to stderr")
        && Files.readString(log1).contains("burst 4") && Files.readString(log2).contains("burst 3"));
    assertThat(log.resolveSibling("main.log.3")).as("three files in all").doesNotExist();
    assertThat(Files.size(log1)).isLessThanOrEqualTo(4096);
    assertThat(Files.size(log2)).isLessThanOrEqualTo(4096);
    assertThat(Files.readString(log) + Files.readString(log1) + Files.readString(log2))
        .as("the oldest burst was dropped").doesNotContain("burst 1 ");
  }

  @Test
  void newRuntimeAdoptsRunningProcessesWithoutDuplicates() throws IOException {
    Path cmd = script(bin, "counted.sh", "echo $$ >> \"$PROCSERVICE_RUNTIME_DIR/starts\"\nexec /bin/sleep 300");
    ProcessRuntime first = runtime();
    ProcService s = track(service("adopt", 5, process("main", cmd)));
    first.start(s, Set.of());
    ProcessObservation before = awaitPhase(first, s, "main", Phase.Running);
    first.close(); // an operator restart: the process keeps running

    ProcessRuntime second = runtime();
    ProcessObservation after = observed(second, s, "main");
    assertThat(after.phase()).isEqualTo(Phase.Running);
    assertThat(after.adopted()).isTrue();
    assertThat(after.pid()).isEqualTo(before.pid());
    assertThat(after.incarnation()).isEqualTo(before.incarnation());
    second.start(s, Set.of());
    assertThat(observed(second, s, "main").pid()).isEqualTo(before.pid());
    assertThat(Files.readAllLines(second.runtimeDir(s).resolve("starts"))).hasSize(1);
    triggered.clear();

    ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
    await().atMost(LONG).until(() -> triggered.contains(id(s)));
    ProcessObservation exited = observed(second, s, "main");
    assertThat(exited.phase()).isEqualTo(Phase.Exited);
    assertThat(exited.lastExit().code()).isNull();
    assertThat(exited.lastExit().message())
        .isEqualTo("exit status unknown: process was adopted after an operator restart");

    second.start(s, Set.of());
    ProcessObservation fresh = awaitPhase(second, s, "main", Phase.Running);
    assertThat(fresh.adopted()).isFalse();
    assertThat(fresh.runtimeRestarts()).isEqualTo(1);
  }

  @Test
  void adoptedProcessIsStoppedByTheNewRuntime() throws IOException {
    Path cmd = script(bin, "sleeper.sh", "/bin/sleep 300 &\necho $! > child.pid\nwait");
    ProcessRuntime first = runtime();
    ProcService s = track(service("adoptstop", 5, process("main", cmd)));
    first.start(s, Set.of());
    long pid = awaitPhase(first, s, "main", Phase.Running).pid();
    long child = awaitPidFile(first.runtimeDir(s).resolve("child.pid"));
    first.close();

    ProcessRuntime second = runtime();
    assertThat(observed(second, s, "main").adopted()).isTrue();
    await().atMost(LONG).until(() -> second.stop(s));
    assertThat(ProcStat.read(pid).filter(ProcStat::alive)).isEmpty();
    assertThat(ProcStat.read(child).filter(ProcStat::alive)).isEmpty();
  }

  @Test
  void recordedPidReusedByAForeignProcessIsNeverSignalled() throws Exception {
    // A stranger leading its own session, like a reused pid would.
    Process foreign = new ProcessBuilder("/usr/bin/setsid", "/bin/sleep", "300").start();
    try {
      long foreignTicks = ProcStat.read(foreign.pid()).orElseThrow().startTicks();
      Path cmd = script(bin, "sleeper.sh", "exec /bin/sleep 300");
      ProcService s = track(service("reused", 0, process("main", cmd)));
      Path stateFile = tmp.resolve("state/test/reused/state.json");
      Files.createDirectories(stateFile.getParent());
      Files.writeString(stateFile, """
          {"version": 1, "processes": {"main": {"phase": "Running", "pid": %d, "startTicks": %d,
           "command": "%s", "starts": 1}}}""".formatted(foreign.pid(), foreignTicks + 1, cmd));

      ProcessRuntime rt = runtime();
      ProcessObservation o = rt.observe(s).process("main").orElseThrow();
      assertThat(o.phase()).isEqualTo(Phase.Exited);
      assertThat(o.adopted()).isFalse();
      assertThat(o.lastExit().code()).isNull();
      assertThat(o.lastExit().message()).startsWith("exit status unknown");

      rt.start(s, Set.of());
      ProcessObservation fresh = awaitPhase(rt, s, "main", Phase.Running);
      assertThat(fresh.pid()).isNotEqualTo(foreign.pid());
      assertThat(fresh.runtimeRestarts()).isEqualTo(1);
      await().atMost(LONG).until(() -> rt.stop(s));
      assertThat(ProcStat.isAlive(foreign.pid(), foreignTicks)).as("foreign process untouched").isTrue();
    } finally {
      foreign.destroyForcibly().waitFor();
    }
  }

  @Test
  void commandNotAllowedNeverRuns() throws IOException {
    Path outside = script(tmp.resolve("elsewhere"), "x.sh", "touch \"$PROCSERVICE_RUNTIME_DIR/ran\"");
    ProcessRuntime rt = runtime();
    ProcService s = track(service("refused", 5, process("main", outside)));
    assertThat(rt.check(s)).extracting(p -> p.reason()).containsExactly(Reason.CommandNotAllowed);
    rt.start(s, Set.of());
    rt.restart(s, Set.of());
    assertThat(observed(rt, s, "main").phase()).isEqualTo(Phase.NotStarted);
    assertThat(rt.runtimeDir(s).resolve("ran")).doesNotExist();
  }
}
