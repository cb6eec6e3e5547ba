package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.process;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.script;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.service;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.withEnv;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.TcpSocketAction;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/** check(), unavailableMessage() and plannedProbes(): no process is started here. */
class ProcessRuntimeCheckTest {
  @TempDir
  Path tmp;
  Path bin;
  Path server;
  OperatorConfig config;
  ProcessRuntime rt;

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin")).toRealPath();
    server = script(bin, "server.sh", "exec /bin/sleep 300");
    config = OperatorConfig.defaults().withProcessRuntime(true, List.of(bin + "/*")).withStateDir(tmp.resolve("state"));
    rt = new ProcessRuntime(config, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    rt.close();
  }

  @Test
  void disabledRuntimeSaysHowToEnableIt() {
    try (ProcessRuntime off = new ProcessRuntime(OperatorConfig.defaults().withStateDir(tmp), Clock.systemUTC())) {
      assertThat(off.unavailableMessage()).isEqualTo(
          "runtime Process is disabled on this operator: start it with --process-runtime and --allow-exec PATTERN");
    }
    try (ProcessRuntime noList = new ProcessRuntime(config.withProcessRuntime(true, List.of()), Clock.systemUTC())) {
      assertThat(noList.unavailableMessage()).contains("--allow-exec PATTERN");
    }
    assertThat(rt.unavailableMessage()).isNull();
  }

  @Test
  void validSpecHasNoProblems() {
    assertThat(rt.check(service("ok", 5, withEnv(process("main", server), "RUST_LOG", "info")))).isEmpty();
  }

  @Test
  void commandNotAllowedNamesFieldCommandAndFlag() throws IOException {
    Path other = script(tmp.resolve("usr/bin"), "python3", "exit 0").toRealPath();
    ProcService s = service("bad", 5, process("main", server), process("py", other));
    assertThat(rt.check(s)).containsExactly(new SpecProblem(Reason.CommandNotAllowed,
        "spec.processes[1].command[0]: " + other + " is not allowed by this operator (--allow-exec)"));
  }

  @Test
  void commandNotFoundOnPath() {
    ProcessSpec p = process("main", server);
    p.setCommand(new ArrayList<>(List.of("hero_x_does_not_exist")));
    assertThat(rt.check(service("nf", 5, p))).containsExactly(new SpecProblem(Reason.CommandNotFound,
        "spec.processes[0].command[0]: command hero_x_does_not_exist not found on PATH"));
  }

  @Test
  void emptyCommandIsInvalid() {
    ProcessSpec p = process("main", server);
    p.setCommand(new ArrayList<>());
    assertThat(rt.check(service("empty", 5, p))).extracting(SpecProblem::reason, SpecProblem::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Reason.InvalidSpec,
            "spec.processes[0].command: must not be empty: runtime Process needs command[0]"));
  }

  @Test
  void workingDirMayNotEscapeTheRuntimeDir() {
    for (String dir : List.of("..", "../other", "a/../../b")) {
      ProcessSpec p = process("main", server);
      p.setWorkingDir(dir);
      assertThat(rt.check(service("wd", 5, p))).as(dir).singleElement().satisfies(problem -> {
        assertThat(problem.reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(problem.message()).startsWith("spec.processes[0].workingDir: " + dir + " is outside");
      });
    }
    ProcessSpec inside = process("main", server);
    inside.setWorkingDir("a/../b/c");
    assertThat(rt.check(service("wd", 5, inside))).isEmpty();
  }

  @Test
  void absoluteWorkingDirIsInvalidEvenWhenItLooksInside() {
    // "/runtime-dir/x" passed the old lexical check against a fake root, and the operator then ran mkdir -p on it.
    for (String dir : List.of("/etc", "/runtime-dir/x", "/")) {
      ProcessSpec p = process("main", server);
      p.setWorkingDir(dir);
      assertThat(rt.check(service("wd", 5, p))).as(dir).singleElement().satisfies(problem -> {
        assertThat(problem.reason()).isEqualTo(Reason.InvalidSpec);
        assertThat(problem.message()).startsWith("spec.processes[0].workingDir: " + dir + " is an absolute path");
      });
    }
  }

  @Test
  void loaderAndInterpreterHookVariablesAreRefusedNamingTheVariableAndTheFlag() {
    ProcessSpec p = process("main", server);
    for (String name : List.of("RUST_LOG", "LD_PRELOAD", "PYTHONPATH", "PYTHONUNBUFFERED", "NODE_OPTIONS", "BASH_ENV")) {
      withEnv(p, name, "x");
    }
    List<SpecProblem> problems = rt.check(service("env", 5, p));
    assertThat(problems).extracting(SpecProblem::reason).containsOnly(Reason.EnvNotAllowed);
    assertThat(problems).extracting(SpecProblem::message).satisfiesExactly(
        m -> assertThat(m).startsWith("spec.processes[0].env[1].name: LD_PRELOAD is not allowed by this operator (matches LD_*)")
            .endsWith("start the operator with --allow-env LD_PRELOAD"),
        m -> assertThat(m).startsWith("spec.processes[0].env[2].name: PYTHONPATH is not allowed"),
        m -> assertThat(m).startsWith("spec.processes[0].env[4].name: NODE_OPTIONS is not allowed"),
        m -> assertThat(m).startsWith("spec.processes[0].env[5].name: BASH_ENV is not allowed"));
    assertThat(String.join(" ", problems.stream().map(SpecProblem::message).toList())).doesNotContain("=x");
  }

  @Test
  void allowEnvPermitsNamesAndGlobsDeliberately() {
    try (ProcessRuntime allowing = new ProcessRuntime(config.withAllowEnv(List.of("LD_LIBRARY_PATH", "PYTHON*")),
        Clock.systemUTC())) {
      ProcessSpec p = withEnv(withEnv(withEnv(process("main", server), "LD_LIBRARY_PATH", "/opt/lib"),
          "PYTHONPATH", "/opt/py"), "LD_PRELOAD", "/tmp/evil.so");
      assertThat(allowing.check(service("env", 5, p))).singleElement()
          .satisfies(problem -> assertThat(problem.message()).startsWith("spec.processes[0].env[2].name: LD_PRELOAD"));
    }
  }

  @Test
  void badEnvironmentNamesAreInvalid() {
    ProcessSpec p = withEnv(withEnv(withEnv(process("main", server), "GOOD_1", "x"), "1BAD", "secret-value"),
        "A-B", "secret-value");
    withEnv(p, "PROCSERVICE_RUNTIME_DIR", "/elsewhere");
    List<SpecProblem> problems = rt.check(service("env", 5, p));
    assertThat(problems).extracting(SpecProblem::message).containsExactly(
        "spec.processes[0].env[1].name: '1BAD' is not a valid environment variable name (letters, digits and '_', not starting with a digit)",
        "spec.processes[0].env[2].name: 'A-B' is not a valid environment variable name (letters, digits and '_', not starting with a digit)",
        "spec.processes[0].env[3].name: PROCSERVICE_RUNTIME_DIR is set by the operator");
    assertThat(problems).extracting(SpecProblem::message).noneMatch(m -> m.contains("secret-value"));
  }

  @Test
  void nulCharactersAreInvalidWithoutEchoingTheValue() {
    ProcessSpec p = withEnv(process("main", server, "ok", "a\0b"), "TOKEN", "se\0cret");
    assertThat(rt.check(service("nul", 5, p))).extracting(SpecProblem::message).containsExactly(
        "spec.processes[0].env[0].value: contains a NUL character",
        "spec.processes[0].args[1]: contains a NUL character");
  }

  @Test
  void execProbeCommandGoesThroughTheAllowList() {
    ProcService s = service("probe", 5, process("main", server));
    s.getSpec().getProbes().add(execProbe("check", null, "/bin/ls", "-l"));
    assertThat(rt.check(s)).extracting(SpecProblem::message).singleElement().asString()
        .startsWith("spec.probes[0].exec.command[0]: /bin/ls");
  }

  @Test
  void probesArePlannedOnlyForRunningProcessesWithTargetAndIncarnation() throws IOException {
    Path checker = script(bin, "check.sh", "exit 0");
    ProcessSpec main = process("main", server);
    main.getPorts().add(new PortSpec("rpc", 8080));
    ProcessSpec ui = process("ui", server);
    ui.getPorts().add(new PortSpec("http", 8081));
    ProcService s = service("plan", 5, main, ui);
    s.getSpec().getProbes().add(tcpProbe("rpc", "main"));
    s.getSpec().getProbes().add(tcpProbe("ui", "ui"));
    s.getSpec().getProbes().add(tcpProbe("all", null));
    s.getSpec().getProbes().add(execProbe("exec", "main", "check.sh", "--fast"));

    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(
        running("main", 100, "100/5"), exited("ui")));
    List<PlannedProbe> planned;
    // A bare exec command is looked up on the operator's PATH: give the allow-list one with bin on it.
    try (ProcessRuntime withPath = new ProcessRuntime(config, Clock.systemUTC(), LogLimits.defaults(),
        new ExecAllowList(config.allowExec(), bin.toString()))) {
      planned = withPath.plannedProbes(s, obs);
    }
    assertThat(planned).extracting(pp -> pp.key().toString()).containsExactly("rpc", "exec");
    PlannedProbe rpc = planned.get(0);
    assertThat(rpc.incarnation()).isEqualTo("100/5");
    assertThat(rpc.target().host()).isEqualTo("127.0.0.1");
    assertThat(rpc.target().runtimeDir()).isEqualTo(rt.runtimeDir(s));
    assertThat(rpc.target().namedPorts()).containsExactlyEntriesOf(java.util.Map.of("rpc", 8080));
    assertThat(planned.get(1).spec().getExec().getCommand()).containsExactly(checker.toString(), "--fast");
    assertThat(s.getSpec().getProbes().get(3).getExec().getCommand()).as("spec untouched")
        .containsExactly("check.sh", "--fast");

    RuntimeObservation bothUp = RuntimeObservation.ofProcesses(List.of(
        running("main", 100, "100/5"), running("ui", 101, "101/6")));
    PlannedProbe all = rt.plannedProbes(s, bothUp).stream().filter(p -> p.key().equals(ProbeKey.of("all"))).findFirst()
        .orElseThrow();
    assertThat(all.incarnation()).isEqualTo("100/5,101/6");
    assertThat(all.target().namedPorts()).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("rpc", 8080, "http", 8081));
  }

  private static ProcessObservation running(String name, long pid, String incarnation) {
    return new ProcessObservation(name, Phase.Running, pid, null, null, Instant.now(), incarnation, 0, null, false);
  }

  private static ProcessObservation exited(String name) {
    return new ProcessObservation(name, Phase.Exited, null, null, null, null, "1/1", 0,
        new ProcessObservation.Exit(1, null, Instant.now(), "exited with code 1"), false);
  }

  private static ProbeSpec tcpProbe(String name, String process) {
    ProbeSpec p = new ProbeSpec();
    p.setName(name);
    p.setProcess(process);
    TcpSocketAction tcp = new TcpSocketAction();
    tcp.setPort(new IntOrString("rpc"));
    p.setTcpSocket(tcp);
    return p;
  }

  private static ProbeSpec execProbe(String name, String process, String... command) {
    ProbeSpec p = new ProbeSpec();
    p.setName(name);
    p.setProcess(process);
    ExecAction exec = new ExecAction();
    exec.setCommand(new ArrayList<>(List.of(command)));
    p.setExec(exec);
    return p;
  }
}
