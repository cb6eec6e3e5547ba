package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.process;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.script;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.service;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.withEnv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/** With real processes: the env policy and the runtime-dir confinement hold at start, not only in check(). */
class EnvHijackTest {
  @TempDir
  Path tmp;
  Path bin;
  Path marker;
  OperatorConfig config;
  ProcessRuntime rt;

  @BeforeEach
  void setUp() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin")).toRealPath();
    marker = tmp.resolve("ran");
    config = OperatorConfig.defaults().withProcessRuntime(true, List.of(bin + "/*")).withStateDir(tmp.resolve("state"));
    rt = new ProcessRuntime(config, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    rt.terminateAll(Duration.ofSeconds(2));
    rt.close();
  }

  @Test
  void anAllowedProgramIsNeverStartedWithALoaderHook() throws IOException {
    Path cmd = script(bin, "allowed.sh", "touch " + marker + "\nexec /bin/sleep 300");
    ProcService s = service("hijack", 1, withEnv(process("main", cmd), "LD_PRELOAD", tmp.resolve("evil.so").toString()));
    assertThat(rt.check(s)).singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo(Reason.EnvNotAllowed));

    rt.start(s, Set.of()); // even when asked to
    ProcessObservation o = rt.observe(s).process("main").orElseThrow();
    assertThat(o.phase()).isEqualTo(Phase.Exited);
    assertThat(o.lastExit().message()).isEqualTo(
        "failed to start: environment variable LD_PRELOAD is not allowed by this operator (--allow-env)");
    assertThat(marker).doesNotExist();
  }

  @Test
  void workingDirThroughASymlinkCreatesNothingOutside() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path cmd = script(bin, "allowed.sh", "touch " + marker + "\nexec /bin/sleep 300");
    ProcessSpec p = process("main", cmd);
    p.setWorkingDir("out/sub");
    ProcService s = service("symlinked", 1, p);
    Path runtimeDir = rt.runtimeDir(s);
    Files.createDirectories(runtimeDir);
    Files.createSymbolicLink(runtimeDir.resolve("out"), outside);
    assertThat(rt.check(s)).isEmpty(); // lexically fine: only the start can see the symlink

    rt.start(s, Set.of());
    ProcessObservation o = rt.observe(s).process("main").orElseThrow();
    assertThat(o.phase()).isEqualTo(Phase.Exited);
    assertThat(o.lastExit().message()).isEqualTo(
        "failed to start: workingDir out/sub resolves outside the service's runtime dir");
    assertThat(outside.resolve("sub")).doesNotExist();
    assertThat(marker).doesNotExist();
  }

  @Test
  void workingDirInsideIsCreatedStepByStep() throws IOException {
    Path cmd = script(bin, "pwd.sh", "pwd > \"$PROCSERVICE_RUNTIME_DIR/pwd\"\nexec /bin/sleep 300");
    ProcessSpec p = process("main", cmd);
    p.setWorkingDir("a/b/c");
    ProcService s = service("nested", 1, p);
    rt.start(s, Set.of());
    Path pwd = rt.runtimeDir(s).resolve("pwd");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pwd) && !Files.readString(pwd).isBlank());
    assertThat(Files.readString(pwd).trim()).isEqualTo(rt.runtimeDir(s).toRealPath().resolve("a/b/c").toString());
    await().atMost(Duration.ofSeconds(30)).until(() -> rt.stop(s));
  }
}
