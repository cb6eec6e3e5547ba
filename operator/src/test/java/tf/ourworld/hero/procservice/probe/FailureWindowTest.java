package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.model.FailureWindowSpec;

/** failureWindow: flap detection in the probe's state logic, as tables of runs (one per 10 s). */
class FailureWindowTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Runs one outcome every 10 seconds ({@code .} pass, {@code x} fail) through a tracker with
   * failureThreshold 3, successThreshold 1 and a window of 4 failures in 60 s; the results
   * ({@code ?} Unknown, {@code +} Success, {@code -} Failure) after each run.
   */
  static Stream<Arguments> runs() {
    return Stream.of(
        Arguments.of("every other run fails", ".x.x.x.x..", "+++++++---"),
        Arguments.of("passes again after a whole window without a failure", ".x.x.x.x.......", "+++++++-------+"),
        Arguments.of("a failure within that window keeps it failed", ".x.x.x.x...x.......", "+++++++-----------+"),
        Arguments.of("3 in 60s is not flapping", "x.x..x.x..x.", "?+++++++++++"),
        Arguments.of("failureThreshold still trips it", ".xxx", "+++-"),
        Arguments.of("spread out over more than 60s: never", "x...x...x...x...", "?+++++++++++++++"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void flapping(String name, String outcomes, String expected) {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("ui"), 3, 1, new FailureWindowSpec(4, 60));
    StringBuilder got = new StringBuilder();
    for (int i = 0; i < outcomes.length(); i++) {
      boolean ok = outcomes.charAt(i) == '.';
      ProbeState s = t.record(ok, ok ? null : "GET unix:ui.sock/health: HTTP 503", 1, T0.plusSeconds(10L * i));
      got.append(switch (s.result()) {
        case Unknown -> '?';
        case Success -> '+';
        case Failure -> '-';
      });
    }
    assertThat(got.toString()).isEqualTo(expected);
  }

  @Test
  void theErrorSaysFlappingWithTheLastError() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("ui"), 3, 1, new FailureWindowSpec(4, 60));
    List<ProbeState> states = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      states.add(t.record(i % 2 == 0, i % 2 == 0 ? null : "GET unix:ui.sock/health: HTTP 503", 1, T0.plusSeconds(10L * i)));
    }
    ProbeState tripped = states.get(7);
    assertThat(tripped.failed()).isTrue();
    assertThat(tripped.flapping()).isEqualTo("flapping: 4 failures in 60s");
    assertThat(tripped.lastError()).isEqualTo("flapping: 4 failures in 60s; last: GET unix:ui.sock/health: HTTP 503");
    assertThat(tripped.lastTransitionTime()).isEqualTo(T0.plusSeconds(70));
    // a success while the window still holds 4 failures: still failed, same text
    ProbeState next = t.record(true, null, 1, T0.plusSeconds(80));
    assertThat(next.failed()).isTrue();
    assertThat(next.lastError()).isEqualTo(tripped.lastError());
  }

  @Test
  void thresholdFailureIsNotCalledFlapping() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("ui"), 2, 1, new FailureWindowSpec(4, 60));
    t.record(false, "empty reply", 1, T0);
    ProbeState s = t.record(false, "empty reply", 1, T0.plusSeconds(10));
    assertThat(s.failed()).isTrue();
    assertThat(s.flapping()).isNull();
    assertThat(s.lastError()).isEqualTo("empty reply");
  }

  @Test
  void withoutAWindowNothingChanges() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("ui"), 3, 1, null);
    for (int i = 0; i < 20; i++) {
      assertThat(t.record(i % 2 == 0, "HTTP 503", 1, T0.plusSeconds(i)).failed()).isFalse();
    }
  }
}
