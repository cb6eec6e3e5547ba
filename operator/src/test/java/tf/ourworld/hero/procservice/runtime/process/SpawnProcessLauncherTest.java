package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.runtime.process.linux.LinuxProcesses;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/** The posix_spawn + pidfd launcher, the default on Linux: the contract, and what only it does. */
class SpawnProcessLauncherTest extends ProcessLauncherContract {
  @Override
  ProcessLauncher newLauncher() {
    return new SpawnProcessLauncher();
  }

  @Test
  void isTheDefaultOnThisHost() {
    assertThat(SpawnProcessLauncher.unavailableReason()).isNull();
    assertThat(ProcessLauncher.forHost()).isInstanceOf(SpawnProcessLauncher.class);
  }

  @Test
  void tellsAnExitWithCode137FromSigkill() throws Exception {
    assertThat(exitOf(sh("exit 137", Map.of()))).isEqualTo(WaitStatus.exitedWith(137));
    ProcessLauncher.Launched sleeping = sh("exec /bin/sleep 300", Map.of());
    ProcessHandle.of(sleeping.pid()).orElseThrow().destroyForcibly();
    assertThat(exitOf(sleeping)).isEqualTo(WaitStatus.killedBy(9));
  }

  @Test
  void fiftyLiveProcessesCostNoThreadEach() throws Exception {
    int before = ManagementFactory.getThreadMXBean().getThreadCount();
    List<ProcessLauncher.Launched> fifty = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fifty.add(sh("exec /bin/sleep 300", Map.of()));
    }
    assertThat(LinuxProcesses.shared().watched()).isGreaterThanOrEqualTo(50);
    int during = ManagementFactory.getThreadMXBean().getThreadCount();
    // the reaper thread may be new in this JVM; nothing else is started per process
    assertThat(during - before).isLessThanOrEqualTo(1);
    for (ProcessLauncher.Launched l : fifty) {
      ProcessHandle.of(l.pid()).orElseThrow().destroyForcibly();
    }
    for (ProcessLauncher.Launched l : fifty) {
      assertThat(exitOf(l)).isEqualTo(WaitStatus.killedBy(9));
      // reaped: no zombie left
      assertThat(ProcStat.read(l.pid()).filter(s -> s.startTicks() == l.startTicks())).isEmpty();
    }
  }
}
