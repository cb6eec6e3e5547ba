package tf.ourworld.hero.procservice.probe;

import tf.ourworld.hero.procservice.model.ProbeSpec;

/**
 * One probe to run on a schedule.
 *
 * @param key unique within the service: the probe name, or {@code probe@pod} for Track
 * @param spec the probe as declared
 * @param target where it connects
 * @param incarnation the target's incarnation: when it changes (the process restarted) the
 *     probe's counters reset and its initial delay applies again
 */
public record PlannedProbe(String key, ProbeSpec spec, ProbeTarget target, String incarnation) {
}
