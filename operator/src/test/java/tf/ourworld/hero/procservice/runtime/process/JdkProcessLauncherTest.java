package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/** The ProcessBuilder launcher, the fallback: the same contract. */
class JdkProcessLauncherTest extends ProcessLauncherContract {
  @Override
  ProcessLauncher newLauncher() {
    return new JdkProcessLauncher();
  }

  @Test
  void readsJavasExitValue137AsSigkillItsOneAmbiguity() throws Exception {
    assertThat(exitOf(sh("exit 137", Map.of()))).isEqualTo(WaitStatus.killedBy(9));
  }
}
