package tf.ourworld.hero.procservice.probe;

import java.time.Instant;
import java.util.Objects;

/**
 * What status shows of one probe. Equality ignores latency, so an unchanged healthy probe never
 * looks changed; consecutiveFailures is capped at the failure threshold for the same reason.
 *
 * @param key which probe instance
 * @param result Unknown until the first verdict; Failure once failures reach the threshold;
 *     Success once successes reach the success threshold (or on the first success from Unknown)
 * @param consecutiveFailures failures in a row, capped at failureThreshold
 * @param lastError error text of the latest failure, kept until the probe succeeds again
 * @param lastTransitionTime when result last changed
 * @param lastLatencyMillis latency of the latest run (not part of equality)
 * @param requested the latest run made on request, or null
 * @param flapping while the failure window (not failureThreshold) holds the probe failed, what it
 *     says ({@code flapping: 4 failures in 60s}), else null; lastError then starts with it
 */
public record ProbeState(ProbeKey key, ProbeResult result, int consecutiveFailures, String lastError,
    Instant lastTransitionTime, long lastLatencyMillis, RequestedRun requested, String flapping) {

  /**
   * The latest run made on request (the probe-now annotation): which request it answered, when it
   * ended, and its own outcome (not the thresholded result).
   */
  public record RequestedRun(String request, Instant time, boolean success, String error, long latencyMillis) {
  }

  public ProbeState(ProbeKey key, ProbeResult result, int consecutiveFailures, String lastError,
      Instant lastTransitionTime, long lastLatencyMillis, RequestedRun requested) {
    this(key, result, consecutiveFailures, lastError, lastTransitionTime, lastLatencyMillis, requested, null);
  }

  public ProbeState(ProbeKey key, ProbeResult result, int consecutiveFailures, String lastError,
      Instant lastTransitionTime, long lastLatencyMillis) {
    this(key, result, consecutiveFailures, lastError, lastTransitionTime, lastLatencyMillis, null, null);
  }

  public static ProbeState unknown(ProbeKey key) {
    return new ProbeState(key, ProbeResult.Unknown, 0, null, null, 0);
  }

  public boolean failed() {
    return result == ProbeResult.Failure;
  }

  public boolean passing() {
    return result == ProbeResult.Success;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeState s && key.equals(s.key) && result == s.result
        && consecutiveFailures == s.consecutiveFailures && Objects.equals(lastError, s.lastError)
        && Objects.equals(lastTransitionTime, s.lastTransitionTime) && Objects.equals(requested, s.requested)
        && Objects.equals(flapping, s.flapping);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, result, consecutiveFailures, lastError, lastTransitionTime, requested, flapping);
  }
}
