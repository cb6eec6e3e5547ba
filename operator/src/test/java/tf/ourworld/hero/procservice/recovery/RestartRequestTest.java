package tf.ourworld.hero.procservice.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RestartRequestTest {
  @Test
  void aTokenAloneRestartsEverything() {
    RestartRequest r = RestartRequest.parse("1764640000000");
    assertThat(r.processes()).isEmpty();
    assertThat(r.targets(Set.of("server", "ui"))).isEmpty(); // empty: all
  }

  @Test
  void namesAfterASemicolonPickProcessesAndUnknownOnesAreDropped() {
    RestartRequest r = RestartRequest.parse("2026-12-02T07:00:00Z;ui, nope ,,");
    assertThat(r.processes()).containsExactlyInAnyOrder("ui", "nope");
    assertThat(r.targets(Set.of("server", "ui"))).containsExactly("ui");
    assertThat(RestartRequest.parse("t;nope").targets(Set.of("server"))).isEmpty();
  }
}
