package tf.ourworld.hero.procservice.probe;

import tf.ourworld.hero.procservice.model.ProbeSpec;

/**
 * One probe to run on a schedule.
 *
 * @param key unique within the service: the probe, and its unit when it runs once per unit
 * @param spec the probe as declared
 * @param target where it connects
 * @param incarnation the target's incarnation: when it changes (the process restarted) the
 *     probe's counters reset and its initial delay applies again
 */
public record PlannedProbe(ProbeKey key, ProbeSpec spec, ProbeTarget target, String incarnation) {
}
