package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The latest run of a probe made on request (the probe-now annotation), and its own outcome. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RequestedRunStatus {
  @JsonPropertyDescription("The hero.ourworld.tf/probe-now value this run answered.")
  private String request;

  @JsonPropertyDescription("When the run ended.")
  private String time;

  @JsonPropertyDescription("Success or Failure of this one run (the probe's result still counts thresholds).")
  private String result;

  @JsonPropertyDescription("Why this run failed.")
  private String error;

  @JsonPropertyDescription("How long the run took, in milliseconds.")
  @Min(0)
  @Max(Integer.MAX_VALUE)
  private Long latencyMs;

  public String getRequest() {
    return request;
  }

  public void setRequest(String request) {
    this.request = request;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public Long getLatencyMs() {
    return latencyMs;
  }

  public void setLatencyMs(Long latencyMs) {
    this.latencyMs = latencyMs;
  }
}
