package tf.ourworld.hero.procservice.runtime;

/** A pod selected by a Track service. */
public record TrackedPod(String name, String podIp, String phase, boolean running, String uid) {
}
