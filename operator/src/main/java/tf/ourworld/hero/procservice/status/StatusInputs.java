package tf.ourworld.hero.procservice.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.model.HandledAnnotations;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.SpecProblem;

/**
 * Everything status is computed from. Immutable.
 *
 * @param spec the desired state
 * @param generation metadata.generation
 * @param previous the stored status, or null
 * @param problems why the spec will not run (first one wins); empty when it runs
 * @param observation what the runtime sees
 * @param probes current probe states by key
 * @param recovery restart bookkeeping
 * @param stopping true while a suspend is still stopping processes
 * @param handled annotation values acted on
 * @param now the clock's now
 */
public record StatusInputs(
    ProcServiceSpec spec,
    long generation,
    ProcServiceStatus previous,
    List<SpecProblem> problems,
    RuntimeObservation observation,
    Map<String, ProbeState> probes,
    RecoveryView recovery,
    boolean stopping,
    HandledAnnotations handled,
    Instant now) {

  public StatusInputs {
    problems = List.copyOf(problems);
    probes = Map.copyOf(probes);
  }

  /**
   * What status shows of restart bookkeeping.
   *
   * @param nextRestartTime when a pending restart is due, or null
   * @param limitExceeded whether the restart limit was reached
   * @param windowRestarts restarts counted in the window when the limit was reached
   * @param windowSeconds the window
   * @param operatorRestarts restarts the operator made that the runtime does not count (Track pod deletions)
   */
  public record RecoveryView(Instant nextRestartTime, boolean limitExceeded, int windowRestarts, int windowSeconds,
      int operatorRestarts) {
    public static RecoveryView none() {
      return new RecoveryView(null, false, 0, 0, 0);
    }
  }
}
