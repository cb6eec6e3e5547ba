package tf.ourworld.hero.procservice.reconcile;

import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;

/** Where the reconciler reports transitions: Kubernetes Events, metrics and logs. */
public interface TransitionEvents {

  /** Status changed from {@code before} (may be null) to {@code after}, computed from {@code findings}. */
  void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after, Findings findings);

  /** The status the operator holds for the service after a reconcile, changed or not (the status page). */
  default void current(ProcService service, ProcServiceStatus status) {
  }

  /** The operator is restarting targets (processes or pods) for a reason. */
  void restarting(ProcService service, String targets, String why);

  /** The service is gone: forget it. */
  void forget(ProcService service);

  /** Reports nothing. */
  TransitionEvents NONE = new TransitionEvents() {
    @Override
    public void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after,
        Findings findings) {
    }

    @Override
    public void restarting(ProcService service, String targets, String why) {
    }

    @Override
    public void forget(ProcService service) {
    }
  };
}
