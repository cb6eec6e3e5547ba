package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {
  @Test
  void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
    String line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 211 0 1 0 0 1 0 0 20 0 1 0 103163 2990080 407";
    ProcStat s = ProcStat.parse(line);
    assertThat(s).isEqualTo(new ProcStat(4242, 'S', 1, 4242, 4242, 103163));
    assertThat(s.alive()).isTrue();
    assertThat(ProcStat.parse(line.replace(") S ", ") Z ")).alive()).isFalse();
  }

  @Test
  void readsTheCurrentProcessAndNothingForAMissingPid() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcStat.read(self)).hasValueSatisfying(s -> assertThat(s.pid()).isEqualTo(self));
    assertThat(ProcStat.all()).anyMatch(s -> s.pid() == self);
    assertThat(ProcStat.read(Long.MAX_VALUE)).isEmpty();
    long ticks = ProcStat.read(self).orElseThrow().startTicks();
    assertThat(ProcStat.isAlive(self, ticks)).isTrue();
    assertThat(ProcStat.isAlive(self, ticks + 1)).as("same pid, other start time").isFalse();
  }
}
