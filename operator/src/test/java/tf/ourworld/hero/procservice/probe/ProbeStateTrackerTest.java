package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProbeStateTrackerTest {
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:01Z");
  private static final Instant T2 = Instant.parse("2026-01-01T00:00:02Z");
  private static final Instant T3 = Instant.parse("2026-01-01T00:00:03Z");

  @Test
  void firstSuccessFromUnknown() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 3, 2);
    assertThat(t.state()).isEqualTo(ProbeState.unknown(ProbeKey.of("rpc")));
    ProbeState s = t.record(true, null, 5, T1);
    assertThat(s.result()).isEqualTo(ProbeResult.Success); // successThreshold only applies after Failure
    assertThat(s.lastTransitionTime()).isEqualTo(T1);
  }

  @Test
  void failuresCountUpThenFailAtTheThresholdAndStayCapped() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 3, 1);
    t.record(true, null, 1, T1);
    ProbeState s1 = t.record(false, "empty reply", 1, T2);
    assertThat(s1.result()).isEqualTo(ProbeResult.Success);
    assertThat(s1.consecutiveFailures()).isEqualTo(1);
    assertThat(s1.lastError()).isEqualTo("empty reply");
    assertThat(s1.lastTransitionTime()).isEqualTo(T1);
    t.record(false, "empty reply", 1, T2);
    ProbeState s3 = t.record(false, "empty reply", 1, T3);
    assertThat(s3.result()).isEqualTo(ProbeResult.Failure);
    assertThat(s3.consecutiveFailures()).isEqualTo(3);
    assertThat(s3.lastTransitionTime()).isEqualTo(T3);
    ProbeState s4 = t.record(false, "empty reply", 99, T3.plusSeconds(10));
    assertThat(s4).isEqualTo(s3); // capped, same error, latency ignored: no change
    assertThat(t.record(false, "timed out after 1s", 1, T3).lastError()).isEqualTo("timed out after 1s");
  }

  @Test
  void unknownStaysUnknownBelowTheThreshold() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 2, 1);
    ProbeState s = t.record(false, "connection refused", 1, T1);
    assertThat(s.result()).isEqualTo(ProbeResult.Unknown);
    assertThat(s.consecutiveFailures()).isEqualTo(1);
    assertThat(s.lastTransitionTime()).isNull();
    assertThat(t.record(false, "connection refused", 1, T2).result()).isEqualTo(ProbeResult.Failure);
  }

  @Test
  void recoversAfterSuccessThresholdPasses() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 1, 2);
    t.record(false, "HTTP 503", 1, T1);
    ProbeState once = t.record(true, null, 1, T2);
    assertThat(once.result()).isEqualTo(ProbeResult.Failure);
    assertThat(once.consecutiveFailures()).isZero();
    assertThat(once.lastError()).isEqualTo("HTTP 503");
    ProbeState twice = t.record(true, null, 1, T3);
    assertThat(twice.result()).isEqualTo(ProbeResult.Success);
    assertThat(twice.lastError()).isNull();
    assertThat(twice.lastTransitionTime()).isEqualTo(T3);
  }

  @Test
  void aFailureBetweenSuccessesRestartsTheSuccessCount() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 1, 2);
    t.record(false, "HTTP 503", 1, T1);
    t.record(true, null, 1, T2);
    t.record(false, "HTTP 503", 1, T2);
    assertThat(t.record(true, null, 1, T3).result()).isEqualTo(ProbeResult.Failure);
    assertThat(t.record(true, null, 1, T3).result()).isEqualTo(ProbeResult.Success);
  }

  @Test
  void steadySuccessDoesNotChangeTheState() {
    ProbeStateTracker t = new ProbeStateTracker(ProbeKey.of("rpc"), 3, 1);
    ProbeState first = t.record(true, null, 1, T1);
    for (int i = 0; i < 5; i++) {
      assertThat(t.record(true, null, i * 7, T2)).isEqualTo(first);
    }
  }
}
