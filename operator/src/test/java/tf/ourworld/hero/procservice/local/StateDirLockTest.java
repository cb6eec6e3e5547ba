package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One local per state dir. */
class StateDirLockTest {
  @TempDir
  Path dir;

  @Test
  void aSecondHolderIsRefusedWithTheFirstOnesPidAndApiAndTheFileIsFreeAgainAfterwards() throws Exception {
    Path state = dir.resolve("state");
    try (StateDirLock first = StateDirLock.acquire(state)) {
      first.apiUrl("http://127.0.0.1:17999");
      String before = Files.readString(state.resolve(StateDirLock.FILE));
      assertThatThrownBy(() -> StateDirLock.acquire(state)).isInstanceOfSatisfying(StateDirLock.HeldException.class,
          e -> assertThat(e.owner()).isEqualTo("pid " + ProcessHandle.current().pid()
              + ", API on http://127.0.0.1:17999"));
      assertThat(Files.readString(state.resolve(StateDirLock.FILE))).isEqualTo(before);
    }
    try (StateDirLock again = StateDirLock.acquire(state)) {
      assertThat(again.file()).exists();
    }
  }

  @Test
  void describesAnOwnerThatHasNotListenedYet() {
    assertThat(StateDirLock.describe("pid 12\n")).isEqualTo("pid 12, API not yet listening");
    assertThat(StateDirLock.describe("")).isEqualTo("pid unknown, API not yet listening");
  }
}
