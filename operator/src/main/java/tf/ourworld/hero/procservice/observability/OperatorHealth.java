package tf.ourworld.hero.procservice.observability;

import java.util.function.BooleanSupplier;

/**
 * The operator's own health, as {@code /healthz} and {@code /readyz} report it. About the
 * operator, never about the services it watches.
 */
public interface OperatorHealth {
  /** True while the operator's own loops (informers, reconcile and probe executors) are alive. */
  boolean alive();

  /** True once the informers have synced and this instance is the leader or a healthy standby. */
  boolean ready();

  /** Health from two suppliers, e.g. JOSDK's {@code allEventSourcesAreHealthy()} and {@code isStarted()}. */
  static OperatorHealth of(BooleanSupplier alive, BooleanSupplier ready) {
    return new OperatorHealth() {
      @Override
      public boolean alive() {
        return alive.getAsBoolean();
      }

      @Override
      public boolean ready() {
        return ready.getAsBoolean();
      }
    };
  }
}
