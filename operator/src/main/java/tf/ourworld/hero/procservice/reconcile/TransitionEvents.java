package tf.ourworld.hero.procservice.reconcile;

import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;

/** Where the reconciler reports transitions: Kubernetes Events, metrics and logs. */
public interface TransitionEvents {

  /** Status changed from {@code before} (may be null) to {@code after}, computed from {@code findings}. */
  void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after, Findings findings);

  /**
   * Status computed and found unchanged (nothing written): e.g. the first reconcile of a healthy
   * service after an operator restart, which must still show in the state metrics.
   */
  default void statusUnchanged(ProcService service, ProcServiceStatus status) {
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
