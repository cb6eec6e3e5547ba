package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ServiceState;

class CliPiecesTest {
  @Test
  void timeoutsAreSecondsMinutesOrHours() {
    assertThat(Tokens.seconds("30")).isEqualTo(30);
    assertThat(Tokens.seconds("30s")).isEqualTo(30);
    assertThat(Tokens.seconds("2m")).isEqualTo(120);
    assertThat(Tokens.seconds("1h")).isEqualTo(3600);
    assertThatThrownBy(() -> Tokens.seconds("0s")).isInstanceOf(CliException.class)
        .hasMessage("--timeout must be a positive duration like 30s, 2m or 1h, not 0s");
    assertThatThrownBy(() -> Tokens.seconds("soon")).isInstanceOf(CliException.class);
  }

  @Test
  void tokensAreNewEachTime() {
    assertThat(Long.parseLong(Tokens.next())).isLessThan(Long.parseLong(Tokens.next()));
  }

  @Test
  void glyphsAndColourOnlyWhenOn() {
    Terminal on = new Terminal(true, true);
    assertThat(on.state(ServiceState.Running)).isEqualTo("\u001b[32m\u25cf Running\u001b[0m");
    assertThat(on.state(ServiceState.Failed)).isEqualTo("\u001b[31m\u2715 Failed\u001b[0m");
    assertThat(new Terminal(true, false).state(ServiceState.Degraded)).isEqualTo("\u25d0 Degraded");
    assertThat(new Terminal(false, false).state(ServiceState.Stopped)).isEqualTo("Stopped");
    assertThat(new Terminal(false, false).state(null)).isEqualTo("Pending");
    assertThat(Terminal.pad(on.state(ServiceState.Running), 12)).endsWith("\u001b[0m   ");
    assertThat(Terminal.of("never")).isEqualTo(new Terminal(false, false));
    assertThatThrownBy(() -> Terminal.of("sometimes")).isInstanceOf(CliException.class);
  }

  @Test
  void agesAsKubectlPrintsThem() {
    Instant now = Instant.now();
    assertThat(ListCommand.age(now.minusSeconds(42).toString())).isEqualTo("42s");
    assertThat(ListCommand.age(now.minusSeconds(300).toString())).isEqualTo("5m");
    assertThat(ListCommand.age(now.minusSeconds(3 * 3600).toString())).isEqualTo("3h");
    assertThat(ListCommand.age(now.minusSeconds(5 * 86400).toString())).isEqualTo("5d");
    assertThat(ListCommand.age(null)).isEqualTo("-");
    assertThat(ListCommand.age("yesterday")).isEqualTo("-");
  }

  @Test
  void annotationValuesAreJsonStrings() {
    assertThat(ClientCommand.json("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
  }
}
