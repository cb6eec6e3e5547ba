package tf.ourworld.hero.procservice.runtime.process;

import org.slf4j.LoggerFactory;

/**
 * For chaos tests only: with the system property {@code procservice.chaos.halt-at} set to
 * {@code intent-recorded} or {@code forked}, the JVM halts (no shutdown hooks, as after kill -9)
 * with status {@link #HALT_STATUS} at that moment of the next fork. Unset (always, in production)
 * it does nothing.
 */
final class ChaosHook {
  static final String PROPERTY = "procservice.chaos.halt-at";
  /** Tells a halt at the hook from a SIGKILL (137). */
  static final int HALT_STATUS = 86;

  private ChaosHook() {
  }

  static ServiceSupervisor.LaunchHook fromSystemProperty() {
    String at = System.getProperty(PROPERTY);
    if (at == null || at.isBlank()) {
      return ServiceSupervisor.LaunchHook.NONE;
    }
    return moment -> {
      if (moment.equals(at)) {
        LoggerFactory.getLogger(ChaosHook.class).warn("Chaos: halting at {}", moment);
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    };
  }
}
