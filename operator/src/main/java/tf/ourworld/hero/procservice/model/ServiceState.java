package tf.ourworld.hero.procservice.model;

/** The state a ProcService is in (DESIGN.md, "States"). */
public enum ServiceState {
  Starting, Running, Degraded, Stopped, Failed
}
