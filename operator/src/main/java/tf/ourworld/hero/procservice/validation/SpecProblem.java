package tf.ourworld.hero.procservice.validation;

import tf.ourworld.hero.procservice.model.Reason;

/**
 * A reason the operator will not run a spec (InvalidSpec, CommandNotAllowed, RuntimeUnavailable,
 * ...) and a message that names the field and what is wrong. The one vocabulary for spec problems,
 * from the validator and from the runtimes' own checks alike.
 */
public record SpecProblem(Reason reason, String message) {
  /** A message is one line of status: it never carries a huge value from the resource whole. */
  public static final int MAX_MESSAGE = 1024;

  public SpecProblem {
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "... (truncated)";
    }
  }

  public static SpecProblem invalid(String message) {
    return new SpecProblem(Reason.InvalidSpec, message);
  }
}
