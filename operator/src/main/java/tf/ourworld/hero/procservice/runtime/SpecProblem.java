package tf.ourworld.hero.procservice.runtime;

/**
 * A reason the operator will not run a spec: a CamelCase reason (InvalidSpec, CommandNotAllowed,
 * CommandNotFound, EnvNotAllowed, RuntimeUnavailable) and a message that names the field and what is wrong.
 */
public record SpecProblem(String reason, String message) {
  /** A message is one line of status: it never carries a huge value from the resource whole. */
  public static final int MAX_MESSAGE = 1024;

  public SpecProblem {
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "... (truncated)";
    }
  }

  public static SpecProblem invalid(String message) {
    return new SpecProblem("InvalidSpec", message);
  }
}
