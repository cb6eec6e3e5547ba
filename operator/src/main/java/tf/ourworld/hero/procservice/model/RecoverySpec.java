package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator does about a dead process or a failing critical probe. */
public class RecoverySpec {
  @JsonPropertyDescription("Restart (default for Pod and Process) or Warn (default for Track).")
  private RecoveryAction action;

  @JsonPropertyDescription("Delay before each restart after the first (which is immediate): doubling from initialSeconds to maxSeconds, +-10% jitter.")
  private BackoffSpec backoff;

  @JsonPropertyDescription("At most maxRestarts restarts within windowSeconds; then state Failed until reset.")
  private RestartLimitSpec restartLimit;

  public RecoveryAction getAction() {
    return action;
  }

  public void setAction(RecoveryAction action) {
    this.action = action;
  }

  public BackoffSpec getBackoff() {
    return backoff;
  }

  public void setBackoff(BackoffSpec backoff) {
    this.backoff = backoff;
  }

  public RestartLimitSpec getRestartLimit() {
    return restartLimit;
  }

  public void setRestartLimit(RestartLimitSpec restartLimit) {
    this.restartLimit = restartLimit;
  }
}
