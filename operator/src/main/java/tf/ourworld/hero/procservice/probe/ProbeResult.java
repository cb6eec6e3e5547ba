package tf.ourworld.hero.procservice.probe;

/** The result a probe currently has: Unknown until it has run (or passed its threshold). */
public enum ProbeResult {
  Unknown, Success, Failure
}
