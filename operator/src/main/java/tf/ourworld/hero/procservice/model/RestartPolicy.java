package tf.ourworld.hero.procservice.model;

/** When an exited process is started again. */
public enum RestartPolicy {
  Always, OnFailure, Never
}
