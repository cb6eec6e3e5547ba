package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * What every {@link ProcessLauncher} must do, against real processes: the subclasses run it for
 * posix_spawn and for ProcessBuilder. Every test leaves no process behind.
 */
abstract class ProcessLauncherContract {
  static final Duration LONG = Duration.ofSeconds(30);
  static final Path SH = Path.of("/bin/sh");

  @TempDir
  Path tmp;
  Path runtimeDir;
  ProcessLauncher launcher;
  final List<ProcessLauncher.Launched> started = new ArrayList<>();

  abstract ProcessLauncher newLauncher();

  @BeforeEach
  void setUp() throws IOException {
    runtimeDir = Files.createDirectories(tmp.resolve("rt"));
    launcher = newLauncher();
  }

  @AfterEach
  void killEverything() throws Exception {
    for (ProcessLauncher.Launched l : started) {
      ProcessHandle.of(l.pid()).filter(h -> ProcStat.isAlive(l.pid(), l.startTicks()))
          .ifPresent(ProcessHandle::destroyForcibly);
      l.exit().get(LONG.toSeconds(), TimeUnit.SECONDS);
    }
  }

  ProcessLauncher.Launched sh(String script, Map<String, String> env) throws IOException {
    ProcessLauncher.Request request = new ProcessLauncher.Request("main", SH, List.of("-c", script), env, runtimeDir,
        runtimeDir, runtimeDir.resolve("main.log"), "token-1");
    ProcessLauncher.Launched l = launcher.launch(request, Instant.now());
    started.add(l);
    return l;
  }

  WaitStatus exitOf(ProcessLauncher.Launched l) throws Exception {
    return l.exit().get(LONG.toSeconds(), TimeUnit.SECONDS);
  }

  String log() throws IOException {
    return Files.readString(runtimeDir.resolve("main.log"));
  }

  @Test
  void reportsTheExitCodeAndTheKillingSignal() throws Exception {
    assertThat(exitOf(sh("exit 3", Map.of()))).isEqualTo(WaitStatus.exitedWith(3));
    ProcessLauncher.Launched sleeping = sh("exec /bin/sleep 300", Map.of());
    ProcessHandle.of(sleeping.pid()).orElseThrow().destroy();
    assertThat(exitOf(sleeping)).isEqualTo(WaitStatus.killedBy(15));
  }

  @Test
  void leadsItsOwnSessionAndGroupWithTheLaunchedPid() throws Exception {
    ProcessLauncher.Launched l = sh("exec /bin/sleep 300", Map.of());
    // once sh has exec'd sleep (ProcessBuilder's helper and setsid exec before it, in place)
    Path cmdline = Path.of("/proc/" + l.pid() + "/cmdline");
    await().atMost(LONG).until(() -> Files.readString(cmdline).startsWith("/bin/sleep\0"));
    ProcStat stat = ProcStat.read(l.pid()).orElseThrow();
    assertThat(stat.session()).isEqualTo(l.pid());
    assertThat(stat.pgrp()).isEqualTo(l.pid());
    assertThat(stat.ppid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(l.startTicks()).isEqualTo(stat.startTicks());
  }

  @Test
  void getsExactlyItsEnvironmentAWorkingDirAndALogAfterAHeader() throws Exception {
    Path work = Files.createDirectories(runtimeDir.resolve("work"));
    ProcessLauncher.Request request = new ProcessLauncher.Request("main", SH,
        List.of("-c", "/usr/bin/env | /usr/bin/sort; pwd; echo oops >&2"), Map.of("GREETING", "hello", "EMPTY", ""),
        work, runtimeDir, runtimeDir.resolve("main.log"), "token-1");
    ProcessLauncher.Launched l = launcher.launch(request, Instant.now());
    started.add(l);
    assertThat(exitOf(l)).isEqualTo(WaitStatus.exitedWith(0));
    List<String> lines = Files.readAllLines(runtimeDir.resolve("main.log"));
    assertThat(lines.get(0)).startsWith("--- procservice: starting process main (/bin/sh) at ");
    List<String> expected = new ArrayList<>();
    for (String name : ProcessLauncher.INHERITED_ENV) {
      if (System.getenv(name) != null) {
        expected.add(name + "=" + System.getenv(name));
      }
    }
    expected.addAll(List.of("EMPTY=", "GREETING=hello", RuntimeDirs.ENV_RUNTIME_DIR + "=" + runtimeDir,
        TokenScan.ENV_TOKEN + "=token-1", TokenScan.ENV_PROCESS + "=main"));
    // sh adds PWD (and maybe SHLVL, _): everything else is exactly what the launcher passed
    List<String> env = lines.subList(1, lines.size() - 2).stream()
        .filter(line -> !line.startsWith("PWD=") && !line.startsWith("SHLVL=") && !line.startsWith("_=")).toList();
    assertThat(env).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(lines.get(lines.size() - 2)).isEqualTo(work.toString());
    assertThat(lines.get(lines.size() - 1)).isEqualTo("oops");
  }

  @Test
  void inheritsNoDescriptorOfTheOperatorAndReadsDevNull() throws Exception {
    // a descriptor the JVM holds open without close-on-exec, as FileInputStream opens them
    Path held = Files.writeString(tmp.resolve("held"), "x");
    try (FileInputStream in = new FileInputStream(held.toFile())) {
      assertThat(in.available()).isEqualTo(1);
      ProcessLauncher.Launched l = sh("/bin/ls /proc/$$/fd; /usr/bin/readlink /proc/$$/fd/0", Map.of());
      assertThat(exitOf(l)).isEqualTo(WaitStatus.exitedWith(0));
    }
    List<String> lines = Files.readAllLines(runtimeDir.resolve("main.log"));
    assertThat(lines.subList(1, lines.size())).containsExactly("0", "1", "2", "/dev/null");
  }

  @Test
  void refusesANulCharacterAndNamesAMissingWorkingDir() {
    assertThatThrownBy(() -> sh("echo", Map.of("BAD", "a\0b"))).isInstanceOf(IllegalArgumentException.class);
    ProcessLauncher.Request nowhere = new ProcessLauncher.Request("main", SH, List.of("-c", "true"), Map.of(),
        runtimeDir.resolve("missing"), runtimeDir, runtimeDir.resolve("main.log"), "token-1");
    assertThatThrownBy(() -> launcher.launch(nowhere, Instant.now())).isInstanceOf(IOException.class)
        .hasMessageContaining(runtimeDir.resolve("missing").toString());
  }

  @Test
  void noticesTheEndOfAProcessThatIsNotItsOwn() throws Exception {
    Process foreign = new ProcessBuilder("/bin/sleep", "300").start();
    try {
      long ticks = ProcStat.read(foreign.pid()).orElseThrow().startTicks();
      CompletableFuture<Void> gone = launcher.whenGone(foreign.pid(), ticks);
      assertThat(gone).isNotDone();
      foreign.destroyForcibly();
      await().atMost(LONG).until(gone::isDone);
      // a pid whose start time is not the one meant: that process has ended already
      assertThat(launcher.whenGone(ProcessHandle.current().pid(), 1)).isDone();
    } finally {
      foreign.destroyForcibly();
    }
  }
}
