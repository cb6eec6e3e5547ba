package tf.ourworld.hero.procservice.probe;

/**
 * The verdict of one probe run.
 *
 * @param success whether the probe passed
 * @param error plain error text when it failed, else null
 * @param latencyNanos how long the run took
 */
public record ProbeOutcome(boolean success, String error, long latencyNanos) {
}
