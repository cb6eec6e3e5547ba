package tf.ourworld.hero.procservice.validation;

import tf.ourworld.hero.procservice.model.Reason;

/**
 * A reason the operator will not run a spec (InvalidSpec, CommandNotAllowed, RuntimeUnavailable,
 * ...) and a message that names the field and what is wrong. The one vocabulary for spec problems,
 * from the validator and from the runtimes' own checks alike.
 */
public record SpecProblem(Reason reason, String message) {
  public static SpecProblem invalid(String message) {
    return new SpecProblem(Reason.InvalidSpec, message);
  }
}
