package tf.ourworld.hero.procservice.observability;

import io.javaoperatorsdk.operator.Operator;
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

  /**
   * The JOSDK operator's health: alive while it is starting or its event sources (informers) are
   * healthy, and {@code ownLoops} (e.g. the probe scheduler) run; ready once it has started and
   * its event sources are healthy. A leader-election standby has started controllers-less and
   * reports ready.
   */
  static OperatorHealth of(Operator operator, BooleanSupplier ownLoops) {
    return new OperatorHealth() {
      @Override
      public boolean alive() {
        var info = operator.getRuntimeInfo();
        return (!info.isStarted() || info.allEventSourcesAreHealthy()) && ownLoops.getAsBoolean();
      }

      @Override
      public boolean ready() {
        var info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
      }
    };
  }

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
