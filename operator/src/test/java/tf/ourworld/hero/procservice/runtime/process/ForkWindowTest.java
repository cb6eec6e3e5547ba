package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.process;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.script;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * The fork window and damaged records, with real processes: an operator that dies between
 * recording the intent, forking and recording the pid, or a state.json that cannot be trusted,
 * never leads to a second copy of a process or to one nobody supervises.
 */
class ForkWindowTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  /** Stands for the operator dying at that moment: nothing after it runs. */
  static final class Crash extends Error {
    Crash(String moment) {
      super("crash at " + moment);
    }
  }

  @TempDir
  Path tmp;
  Path bin;
  Path cmd;
  OperatorConfig config;
  final List<ProcessRuntime> runtimes = new ArrayList<>();
  final List<Process> strangers = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin")).toRealPath();
    config = OperatorConfig.defaults().withProcessRuntime(true, List.of(bin + "/*")).withStateDir(tmp.resolve("state"));
    // Appends its pid to <runtime dir>/starts: one line per process ever started.
    cmd = script(bin, "counted.sh", "echo $$ >> \"$PROCSERVICE_RUNTIME_DIR/starts\"\nexec /bin/sleep 300");
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    ProcessRuntime last = runtime(ServiceSupervisor.LaunchHook.NONE);
    last.terminateAll(Duration.ofSeconds(2));
    runtimes.forEach(ProcessRuntime::close);
    for (Process p : strangers) {
      p.destroyForcibly().waitFor();
    }
    assertThat(TokenScan.scan(new RuntimeDirs(config.stateDir()).root())).as("processes left behind").isEmpty();
  }

  private ProcessRuntime runtime(ServiceSupervisor.LaunchHook hook) {
    ProcessRuntime rt = new ProcessRuntime(config, Clock.systemUTC(), LogLimits.defaults(),
        new ExecAllowList(config.allowExec()), hook);
    runtimes.add(rt);
    return rt;
  }

  private static ServiceSupervisor.LaunchHook crashAt(String at) {
    return moment -> {
      if (moment.equals(at)) {
        throw new Crash(moment);
      }
    };
  }

  private List<Long> starts(ProcessRuntime rt, ProcService s) throws IOException {
    Path file = rt.runtimeDir(s).resolve("starts");
    return Files.exists(file) ? Files.readAllLines(file).stream().map(Long::parseLong).toList() : List.of();
  }

  private static List<Long> alive(List<Long> pids) {
    return pids.stream().filter(p -> ProcStat.read(p).filter(ProcStat::alive).isPresent()).toList();
  }

  private ProcessObservation awaitRunning(ProcessRuntime rt, ProcService s) {
    await().atMost(LONG).until(() -> rt.observe(s).process("main").orElseThrow().phase() == Phase.Running);
    return rt.observe(s).process("main").orElseThrow();
  }

  @Test
  void operatorDyingRightAfterTheForkLeavesAProcessTheNextOneAdopts() throws IOException {
    ProcService s = service("forked", 5, process("main", cmd));
    ProcessRuntime dying = runtime(crashAt("forked"));
    assertThatThrownBy(() -> dying.start(s, Set.of())).isInstanceOf(Crash.class);
    dying.close();
    await().atMost(LONG).until(() -> starts(dying, s).size() == 1); // the child is up and ran its script
    long child = starts(dying, s).get(0);
    assertThat(Files.readString(dying.runtimeDir(s).resolve("state.json"))).contains("\"Starting\"");

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    ProcessObservation o = next.observe(s).process("main").orElseThrow();
    assertThat(o.phase()).isEqualTo(Phase.Running);
    assertThat(o.adopted()).isTrue();
    assertThat(o.pid()).isEqualTo(child);
    next.start(s, Set.of());
    assertThat(starts(next, s)).containsExactly(child);

    await().atMost(LONG).until(() -> next.stop(s));
    assertThat(alive(List.of(child))).isEmpty();
  }

  @Test
  void operatorDyingAfterRecordingTheIntentButBeforeTheForkStartsItOnce() throws IOException {
    ProcService s = service("intent", 5, process("main", cmd));
    ProcessRuntime dying = runtime(crashAt("intent-recorded"));
    assertThatThrownBy(() -> dying.start(s, Set.of())).isInstanceOf(Crash.class);
    dying.close();

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    assertThat(next.observe(s).process("main").orElseThrow().phase()).isEqualTo(Phase.NotStarted);
    next.start(s, Set.of());
    awaitRunning(next, s);
    await().atMost(LONG).until(() -> starts(next, s).size() == 1);
    await().atMost(LONG).until(() -> next.stop(s));
  }

  @Test
  void aCopyNoRecordClaimsIsStoppedAndTheRecordedOneAdopted() throws Exception {
    ProcService s = service("dup", 5, process("main", cmd));
    ProcessRuntime first = runtime(ServiceSupervisor.LaunchHook.NONE);
    first.start(s, Set.of());
    long recorded = awaitRunning(first, s).pid();
    first.close();
    // What an operator killed in the fork window leaves: a second copy whose token no record holds.
    Process copy = stranger(first.runtimeDir(s), Map.of(TokenScan.ENV_TOKEN, "lost-token", TokenScan.ENV_PROCESS, "main"));

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    ProcessObservation o = next.observe(s).process("main").orElseThrow();
    assertThat(o.pid()).isEqualTo(recorded);
    assertThat(o.adopted()).isTrue();
    await().atMost(LONG).until(() -> !copy.isAlive());
    assertThat(alive(List.of(recorded))).containsExactly(recorded);
    await().atMost(LONG).until(() -> next.stop(s));
  }

  @Test
  void aProcessOfAServiceThatNoLongerExistsIsStopped() throws Exception {
    ProcService s = service("gone", 5, process("main", cmd));
    ProcessRuntime first = runtime(ServiceSupervisor.LaunchHook.NONE);
    first.start(s, Set.of());
    long pid = awaitRunning(first, s).pid();
    first.close();

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    assertThat(next.stopOrphans(id -> !id.getName().equals("gone"))).isEqualTo(1);
    await().atMost(LONG).until(() -> alive(List.of(pid)).isEmpty());
  }

  @Test
  void processesOfAServiceThatStillExistsAreNotOrphans() throws Exception {
    ProcService s = service("kept", 5, process("main", cmd));
    ProcessRuntime first = runtime(ServiceSupervisor.LaunchHook.NONE);
    first.start(s, Set.of());
    long pid = awaitRunning(first, s).pid();
    first.close();

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    assertThat(next.stopOrphans(id -> true)).isZero();
    assertThat(next.observe(s).process("main").orElseThrow().pid()).isEqualTo(pid);
    await().atMost(LONG).until(() -> next.stop(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"deleted", "directory", "garbage", "pidNotANumber", "bogusPhase", "badStartTime",
      "runningWithoutPid", "empty"})
  void aDamagedRecordNeverLeadsToASecondCopy(String damage) throws Exception {
    ProcService s = service("damaged-" + damage.toLowerCase(), 5, process("main", cmd));
    ProcessRuntime first = runtime(ServiceSupervisor.LaunchHook.NONE);
    first.start(s, Set.of());
    long pid = awaitRunning(first, s).pid();
    first.close();
    Path state = first.runtimeDir(s).resolve("state.json");
    String good = Files.readString(state);
    switch (damage) {
      case "deleted" -> Files.delete(state);
      case "directory" -> {
        Files.delete(state);
        Files.createDirectories(state.resolve("sub"));
      }
      case "garbage" -> Files.writeString(state, "{\"version\": 1, \"processes\": {\"main\": [}");
      case "pidNotANumber" -> Files.writeString(state, good.replaceFirst("\"pid\" : \\d+", "\"pid\" : \"abc\""));
      case "bogusPhase" -> Files.writeString(state, good.replace("\"Running\"", "\"Bogus\""));
      case "badStartTime" -> Files.writeString(state, good.replaceFirst("\"startTime\" : \"[^\"]+\"", "\"startTime\" : \"x\""));
      case "runningWithoutPid" -> Files.writeString(state, "{\"version\":1,\"processes\":{\"main\":{\"phase\":\"Running\",\"starts\":1}}}");
      case "empty" -> Files.writeString(state, "");
      default -> throw new IllegalArgumentException(damage);
    }

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    ProcessObservation o = next.observe(s).process("main").orElseThrow();
    assertThat(o.phase()).isEqualTo(Phase.Running);
    assertThat(o.pid()).isEqualTo(pid);
    next.start(s, Set.of());
    next.restart(s, Set.of()); // still supervised: a restart replaces it, never adds a copy
    await().atMost(LONG).until(() -> starts(next, s).size() == 2 && alive(starts(next, s)).size() == 1);
    assertThat(alive(List.of(pid))).isEmpty();
    assertThat(Files.isRegularFile(state)).isTrue();
    await().atMost(LONG).until(() -> next.stop(s));
    assertThat(alive(starts(next, s))).isEmpty();
  }

  @Test
  void terminateAllStopsAdoptedProcessesToo() throws Exception {
    ProcService s = service("local-stop", 5, process("main", cmd));
    ProcessRuntime first = runtime(ServiceSupervisor.LaunchHook.NONE);
    first.start(s, Set.of());
    long pid = awaitRunning(first, s).pid();
    first.close();

    ProcessRuntime next = runtime(ServiceSupervisor.LaunchHook.NONE);
    assertThat(next.observe(s).process("main").orElseThrow().adopted()).isTrue();
    assertThat(next.terminateAll(Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(alive(List.of(pid))).isEmpty();
  }

  @Test
  void theTokenIsInTheChildsEnvironment() throws Exception {
    ProcService s = service("token", 5, process("main", cmd));
    ProcessRuntime rt = runtime(ServiceSupervisor.LaunchHook.NONE);
    rt.start(s, Set.of());
    long pid = awaitRunning(rt, s).pid();
    String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).replace('\0', '\n');
    assertThat(environ).containsPattern("(?m)^PROCSERVICE_TOKEN=[0-9a-f-]{36}$").contains("PROCSERVICE_PROCESS=main");
    assertThat(Files.readString(rt.runtimeDir(s).resolve("state.json"))).contains("\"token\"");
    await().atMost(LONG).until(() -> rt.stop(s));
  }

  private Process stranger(Path runtimeDir, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/setsid", "/bin/sleep", "300");
    pb.environment().putAll(env);
    pb.environment().put(RuntimeDirs.ENV_RUNTIME_DIR, runtimeDir.toString());
    Process p = pb.start();
    strangers.add(p);
    await().atMost(LONG).until(() -> TokenScan.scan(new RuntimeDirs(config.stateDir()).root()).stream()
        .anyMatch(f -> f.pid() == p.pid() && f.leader()));
    return p;
  }

}
