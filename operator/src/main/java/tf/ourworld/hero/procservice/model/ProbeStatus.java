package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Max;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed result of one probe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeStatus {
  private String name;
  /** Unknown, Success or Failure. */
  private String result;
  @Min(0)
  @Max(Integer.MAX_VALUE)
  private Integer consecutiveFailures;
  private String lastTransitionTime;
  private String lastError;
  @JsonPropertyDescription("The latest run made on request (hero.ourworld.tf/probe-now), with its own outcome.")
  private RequestedRunStatus lastRequestedRun;

  public RequestedRunStatus getLastRequestedRun() {
    return lastRequestedRun;
  }

  public void setLastRequestedRun(RequestedRunStatus lastRequestedRun) {
    this.lastRequestedRun = lastRequestedRun;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }
}
