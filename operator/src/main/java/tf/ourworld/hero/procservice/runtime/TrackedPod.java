package tf.ourworld.hero.procservice.runtime;

import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/** A pod selected by a Track service; {@code phase} is the pod's phase as the API shows it. */
public record TrackedPod(String name, String podIp, String phase, boolean running, String uid) {

  /** The pod as a unit: Running, Stopping while terminating, else Starting; its uid is its incarnation. */
  public ProcessObservation asUnit() {
    Phase p = running ? Phase.Running : "Terminating".equals(phase) ? Phase.Stopping : Phase.Starting;
    return new ProcessObservation(name, p, null, name, podIp, null, uid, 0, null, false);
  }
}
