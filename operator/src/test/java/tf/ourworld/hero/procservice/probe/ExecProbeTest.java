package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ProbeSpec;

class ExecProbeTest {
  @TempDir
  Path dir;

  @Test
  void exitZeroPasses() {
    assertThat(ProbeChecks.runOnce(Specs.exec("/bin/true"), Specs.inDir(dir)).success()).isTrue();
  }

  @Test
  void nonZeroExitFails() {
    assertThat(ProbeChecks.runOnce(Specs.exec("/bin/false"), Specs.inDir(dir)).error()).isEqualTo("exit code 1");
  }

  @Test
  void runsInTheRuntimeDirWithoutAShell() throws Exception {
    Files.writeString(dir.resolve("marker"), "x");
    assertThat(ProbeChecks.runOnce(Specs.exec("/usr/bin/test", "-f", "marker"), Specs.inDir(dir)).success()).isTrue();
    // "$HOME" reaches the program literally: no shell expands it
    assertThat(ProbeChecks.runOnce(Specs.exec("/usr/bin/test", "-f", "$HOME"), Specs.inDir(dir)).error())
        .isEqualTo("exit code 1");
  }

  @Test
  void missingProgram() {
    assertThat(ProbeChecks.runOnce(Specs.exec("/nonexistent/probe"), Specs.inDir(dir)).error())
        .isEqualTo("cannot run /nonexistent/probe: no such file or directory");
  }

  @Test
  void killedWithItsDescendantsAtTheTimeout() throws Exception {
    // the shell is only the test's way to start a grandchild; probes themselves never use one
    ProbeSpec spec = Specs.exec("/bin/sh", "-c", "/bin/sleep 60 & echo $! > child.pid; exec /bin/sleep 61");
    ProbeOutcome o = ProbeChecks.runOnce(spec, Specs.inDir(dir));
    assertThat(o.error()).isEqualTo("timed out after 1s");
    long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void sleepTimesOut() {
    assertThat(ProbeChecks.runOnce(Specs.exec("/bin/sleep", "5"), Specs.inDir(dir)).error())
        .isEqualTo("timed out after 1s");
  }
}
