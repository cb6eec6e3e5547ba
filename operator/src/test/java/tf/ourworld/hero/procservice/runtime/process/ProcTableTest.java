package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared read of /proc: handed out again while recent enough, descendants through ppid links. */
class ProcTableTest {
  @Test
  void aReadIsSharedByCallersItIsRecentEnoughForAndRedoneForOthers() {
    long before = System.nanoTime();
    ProcTable first = ProcTable.since(before);
    assertThat(ProcTable.since(before)).isSameAs(first);
    ProcTable later = ProcTable.fresh();
    assertThat(later).isNotSameAs(first);
    assertThat(later.all()).anyMatch(s -> s.pid() == ProcessHandle.current().pid());
  }

  @Test
  void findsTheDescendantsOfAProcessDownTheTree() throws Exception {
    Process sh = new ProcessBuilder("/bin/sh", "-c", "/bin/sh -c '/bin/sleep 300 & wait' & /bin/sleep 300 & wait").start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> ProcTable.fresh().descendants(sh.pid()).stream()
          .filter(s -> s.state() != 'Z').count() == 3);
      ProcTable table = ProcTable.fresh();
      assertThat(table.descendants(sh.pid())).extracting(ProcStat::pid)
          .containsAll(sh.descendants().map(ProcessHandle::pid).toList());
      assertThat(table.descendants(sh.pid())).noneMatch(s -> s.pid() == sh.pid());
    } finally {
      sh.descendants().forEach(ProcessHandle::destroyForcibly);
      sh.destroyForcibly();
    }
  }
}
