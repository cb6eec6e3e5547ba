package tf.ourworld.hero.procservice.runtime;

import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;

/**
 * The rules in which runtimes differ, stated once per runtime instead of as checks of the runtime
 * kind: what a unit is (a process or container the spec declares, or a pod someone else made),
 * how probes map onto units, and who counts restarts.
 *
 * @param declared units are the spec's processes (Pod, Process): they are started, can exit and
 *     restart per restartPolicy. False: units are discovered (Track's selected pods) and never
 *     started by the operator
 * @param probePerUnit each probe runs once on every running unit (Track: once per pod) instead of
 *     once for the service on the process it names
 * @param restartOneUnitAtATime recovery restarts at most one unit at a time, and only while every
 *     other unit runs (Track: never take down someone else's whole workload at once)
 * @param operatorCountsRestarts the runtime keeps no restart count of its own (Track: a deleted pod
 *     is replaced by a new one), so the operator counts the restarts it makes
 * @param unitNoun what a unit is called in messages: "process" or "pod"
 * @param defaultAction the recovery action when the spec names none: Restart for what the operator
 *     runs, Warn for someone else's pods (restarting those is opt-in)
 */
public record UnitRules(boolean declared, boolean probePerUnit, boolean restartOneUnitAtATime,
    boolean operatorCountsRestarts, String unitNoun, RecoveryAction defaultAction) {

  /** Pod and Process: the spec's processes, one instance of each probe. */
  public static final UnitRules DECLARED_PROCESSES =
      new UnitRules(true, false, false, false, "process", RecoveryAction.Restart);

  /** Track: selected pods, each probe on each running pod, one pod restarted at a time. */
  public static final UnitRules TRACKED_PODS = new UnitRules(false, true, true, true, "pod", RecoveryAction.Warn);

  /** The action for a spec: its own, or this runtime's default. */
  public RecoveryAction action(RecoverySpec recovery) {
    return recovery != null && recovery.getAction() != null ? recovery.getAction() : defaultAction;
  }
}
