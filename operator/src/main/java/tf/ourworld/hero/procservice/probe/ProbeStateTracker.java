package tf.ourworld.hero.procservice.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import tf.ourworld.hero.procservice.model.FailureWindowSpec;

/**
 * The kubelet-style threshold logic of one probe, plus flap detection: turns run outcomes into
 * {@link ProbeState}s. A probe fails when {@code failureThreshold} runs failed in a row, or when
 * its failure window holds {@code failures} failed runs within {@code seconds}. It passes again
 * after {@code successThreshold} successes in a row, and, when the window held it failed, only
 * once a whole window has passed without a failure (so a flapping probe does not flap its status).
 * Not thread-safe; the scheduler feeds it one outcome at a time.
 */
final class ProbeStateTracker {
  private final int failureThreshold;
  private final int successThreshold;
  private final int windowFailures;
  private final Duration window;
  private final String flappingText;
  /** Times of the latest failed runs, oldest first, at most windowFailures of them. */
  private final ArrayDeque<Instant> failures = new ArrayDeque<>();
  private ProbeState state;
  private int consecutiveSuccesses;

  ProbeStateTracker(ProbeKey key, int failureThreshold, int successThreshold) {
    this(key, failureThreshold, successThreshold, null);
  }

  ProbeStateTracker(ProbeKey key, int failureThreshold, int successThreshold, FailureWindowSpec window) {
    this.failureThreshold = Math.max(1, failureThreshold);
    this.successThreshold = Math.max(1, successThreshold);
    boolean on = window != null && window.getFailures() != null && window.getSeconds() != null;
    this.windowFailures = on ? Math.max(1, window.getFailures()) : 0;
    this.window = on ? Duration.ofSeconds(Math.max(1, window.getSeconds())) : null;
    this.flappingText = on ? "flapping: " + windowFailures + " failures in " + window.getSeconds() + "s" : null;
    this.state = ProbeState.unknown(key);
  }

  ProbeState state() {
    return state;
  }

  /** Continues from a state reported earlier (same key): its result, failures and error stand until the next run. */
  void resume(ProbeState from) {
    // a failure the window held (status keeps only its text) is still the window's
    String flapping = from.flapping() != null ? from.flapping()
        : flappingText != null && from.result() == ProbeResult.Failure && from.lastError() != null
            && from.lastError().startsWith(flappingText + ";") ? flappingText : null;
    state = new ProbeState(state.key(), from.result(), Math.min(from.consecutiveFailures(), failureThreshold),
        from.lastError(), from.lastTransitionTime(), 0, null, flapping);
    consecutiveSuccesses = from.result() == ProbeResult.Success ? successThreshold : 0;
  }

  /** Applies one outcome and returns the new state. */
  ProbeState record(boolean success, String error, long latencyMillis, Instant now) {
    ProbeState s = state;
    ProbeResult result = s.result();
    Instant transition = s.lastTransitionTime();
    int failures;
    String lastError;
    String flapping = null;
    boolean flappingNow = windowFull(success ? null : now, now);
    if (success) {
      consecutiveSuccesses++;
      failures = 0;
      boolean held = flappingNow || s.flapping() != null && !this.failures.isEmpty();
      if (result == ProbeResult.Failure && (consecutiveSuccesses < successThreshold || held)) {
        // still failed: keep showing why (and that the window now holds it failed, if it does)
        lastError = s.lastError();
        flapping = s.flapping();
        if (flappingNow && flapping == null && consecutiveSuccesses >= successThreshold) {
          flapping = flappingText;
          lastError = flappingText + "; last: " + s.lastError();
        }
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
      boolean tripped = failures >= failureThreshold;
      boolean heldByWindow = s.flapping() != null && result == ProbeResult.Failure;
      if (!tripped && (flappingNow || heldByWindow)) {
        flapping = flappingText;
        lastError = flappingText + "; last: " + error;
        tripped = true;
      }
      if (tripped && result != ProbeResult.Failure) {
        result = ProbeResult.Failure;
        transition = now;
      }
    }
    state = new ProbeState(s.key(), result, failures, lastError, transition, latencyMillis, s.requested(), flapping);
    return state;
  }

  /** Records that the latest run answered a request (probe-now), with its own outcome. */
  ProbeState answered(String request, boolean success, String error, long latencyMillis, Instant now) {
    ProbeState s = state;
    state = new ProbeState(s.key(), s.result(), s.consecutiveFailures(), s.lastError(), s.lastTransitionTime(),
        s.lastLatencyMillis(), new ProbeState.RequestedRun(request, now, success, success ? null : error, latencyMillis),
        s.flapping());
    return state;
  }

  /** Adds a failure (when not null), forgets those out of the window; true when it holds enough. */
  private boolean windowFull(Instant failure, Instant now) {
    if (window == null) {
      return false;
    }
    if (failure != null) {
      failures.addLast(failure);
      if (failures.size() > windowFailures) {
        failures.removeFirst();
      }
    }
    Instant start = now.minus(window);
    while (!failures.isEmpty() && failures.peekFirst().isBefore(start)) {
      failures.removeFirst();
    }
    return failures.size() >= windowFailures;
  }
}
