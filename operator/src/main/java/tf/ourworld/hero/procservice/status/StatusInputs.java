package tf.ourworld.hero.procservice.status;

import java.time.Instant;
import java.util.List;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.HandledAnnotations;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * Everything status is computed from. Immutable.
 *
 * @param spec the desired state, defaulted
 * @param generation metadata.generation
 * @param previous the stored status, or null
 * @param problems why the spec will not run (first one wins); empty when it runs
 * @param findings what the runtime's units and the probes mean, worked out once
 * @param recovery restart bookkeeping
 * @param stopping true while a suspend is still stopping processes
 * @param runtimeError the last runtime action's failure (an API or file system error), or null
 * @param handled annotation values acted on
 * @param now the clock's now
 */
public record StatusInputs(
    ProcServiceSpec spec,
    long generation,
    ProcServiceStatus previous,
    List<SpecProblem> problems,
    Findings findings,
    RecoveryView recovery,
    boolean stopping,
    String runtimeError,
    HandledAnnotations handled,
    Instant now) {

  public StatusInputs {
    problems = List.copyOf(problems);
  }

  /**
   * What status shows of restart bookkeeping.
   *
   * @param nextRestartTime when a pending restart is due, or null
   * @param limitExceeded whether the restart limit was reached
   * @param windowRestarts restarts counted in the window when the limit was reached
   * @param windowSeconds the window
   * @param operatorRestarts restarts the operator made that the runtime does not count (Track pod deletions)
   * @param restartTimes the restarts within the window, oldest first
   * @param restartInProgress this reconcile restarted something because of a failure: status
   *     shows that failure (Degraded, Reconciling) until the runtime reports the restart
   */
  public record RecoveryView(Instant nextRestartTime, boolean limitExceeded, int windowRestarts, int windowSeconds,
      int operatorRestarts, List<Instant> restartTimes, boolean restartInProgress) {
    public RecoveryView {
      restartTimes = List.copyOf(restartTimes);
    }

    public RecoveryView(Instant nextRestartTime, boolean limitExceeded, int windowRestarts, int windowSeconds,
        int operatorRestarts, List<Instant> restartTimes) {
      this(nextRestartTime, limitExceeded, windowRestarts, windowSeconds, operatorRestarts, restartTimes, false);
    }

    public RecoveryView(Instant nextRestartTime, boolean limitExceeded, int windowRestarts, int windowSeconds,
        int operatorRestarts) {
      this(nextRestartTime, limitExceeded, windowRestarts, windowSeconds, operatorRestarts, List.of());
    }

    public static RecoveryView none() {
      return new RecoveryView(null, false, 0, 0, 0);
    }
  }
}
