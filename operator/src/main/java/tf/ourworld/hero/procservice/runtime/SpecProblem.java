package tf.ourworld.hero.procservice.runtime;

/**
 * A reason the operator will not run a spec: a CamelCase reason (InvalidSpec, CommandNotAllowed,
 * CommandNotFound, EnvNotAllowed, RuntimeUnavailable) and a message that names the field and what is wrong.
 */
public record SpecProblem(String reason, String message) {
  public static SpecProblem invalid(String message) {
    return new SpecProblem("InvalidSpec", message);
  }
}
