package tf.ourworld.hero.procservice.probe;

import java.time.Instant;

/**
 * The kubelet-style threshold logic of one probe: turns run outcomes into {@link ProbeState}s.
 * Not thread-safe; the scheduler feeds it one outcome at a time.
 */
final class ProbeStateTracker {
  private final int failureThreshold;
  private final int successThreshold;
  private ProbeState state;
  private int consecutiveSuccesses;

  ProbeStateTracker(ProbeKey key, int failureThreshold, int successThreshold) {
    this.failureThreshold = Math.max(1, failureThreshold);
    this.successThreshold = Math.max(1, successThreshold);
    this.state = ProbeState.unknown(key);
  }

  ProbeState state() {
    return state;
  }

  /** Continues from a state reported earlier (same key): its result, failures and error stand until the next run. */
  void resume(ProbeState from) {
    state = new ProbeState(state.key(), from.result(), Math.min(from.consecutiveFailures(), failureThreshold),
        from.lastError(), from.lastTransitionTime(), 0);
    consecutiveSuccesses = from.result() == ProbeResult.Success ? successThreshold : 0;
  }

  /** Applies one outcome and returns the new state. */
  ProbeState record(boolean success, String error, long latencyMillis, Instant now) {
    ProbeState s = state;
    ProbeResult result = s.result();
    Instant transition = s.lastTransitionTime();
    int failures;
    String lastError;
    if (success) {
      consecutiveSuccesses++;
      failures = 0;
      if (result == ProbeResult.Failure && consecutiveSuccesses < successThreshold) {
        lastError = s.lastError(); // still failed: keep showing why
      } else {
        if (result != ProbeResult.Success) {
          result = ProbeResult.Success;
          transition = now;
        }
        lastError = null;
      }
    } else {
      consecutiveSuccesses = 0;
      failures = Math.min(s.consecutiveFailures() + 1, failureThreshold);
      lastError = error;
      if (failures >= failureThreshold && result != ProbeResult.Failure) {
        result = ProbeResult.Failure;
        transition = now;
      }
    }
    state = new ProbeState(s.key(), result, failures, lastError, transition, latencyMillis, s.requested());
    return state;
  }

  /** Records that the latest run answered a request (probe-now), with its own outcome. */
  ProbeState answered(String request, boolean success, String error, long latencyMillis, Instant now) {
    ProbeState s = state;
    state = new ProbeState(s.key(), s.result(), s.consecutiveFailures(), s.lastError(), s.lastTransitionTime(),
        s.lastLatencyMillis(), new ProbeState.RequestedRun(request, now, success, success ? null : error, latencyMillis));
    return state;
  }
}
