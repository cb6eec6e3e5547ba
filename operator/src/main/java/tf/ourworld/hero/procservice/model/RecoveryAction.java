package tf.ourworld.hero.procservice.model;

/** Restart the failing target, or only report it. */
public enum RecoveryAction {
  Restart, Warn
}
