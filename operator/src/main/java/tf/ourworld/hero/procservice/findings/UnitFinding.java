package tf.ourworld.hero.procservice.findings;

import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * What one unit (a process, a pod's container, a tracked pod) means for the service.
 *
 * @param unit the unit as the runtime sees it
 * @param down it ended (exited, or stopped with a known last exit) and is not running
 * @param restartable its restartPolicy restarts it after that exit
 * @param description one line for status, Events and logs ({@code process ui exited with code 1})
 */
public record UnitFinding(ProcessObservation unit, boolean down, boolean restartable, String description) {

  public String name() {
    return unit.name();
  }

  public Phase phase() {
    return unit.phase();
  }

  /** Never started, and nothing to report about a previous run. */
  public boolean neverStarted() {
    return unit.phase() == Phase.NotStarted && unit.lastExit() == null;
  }
}
