package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What the operator does about a dead process or a failing critical probe. */
public class RecoverySpec {
  @JsonPropertyDescription("Restart (default for Pod and Process) or Warn (default for Track).")
  private RecoveryAction action;

  @JsonPropertyDescription("Delay before each restart after the first (which is immediate): doubling from initialSeconds to maxSeconds, +-10% jitter.")
  private BackoffSpec backoff;

  @JsonPropertyDescription("At most maxRestarts restarts within windowSeconds; then state Failed until reset.")
  private RestartLimitSpec restartLimit;

  @JsonPropertyDescription("With action Restart: a critical probe past its threshold first only makes the service"
      + " Degraded (a Warning Event, as Warn does); its process is restarted only if the probe still fails this"
      + " many seconds after it failed. status.nextRestartTime shows when.")
  @Min(1)
  @Max(Bounds.DAY_SECONDS)
  private Integer escalateAfterSeconds;

  public Integer getEscalateAfterSeconds() {
    return escalateAfterSeconds;
  }

  public void setEscalateAfterSeconds(Integer escalateAfterSeconds) {
    this.escalateAfterSeconds = escalateAfterSeconds;
  }

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
