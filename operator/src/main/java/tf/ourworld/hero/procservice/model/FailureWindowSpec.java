package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Flap detection: a probe fails when at least {@code failures} runs failed within {@code seconds}. */
public class FailureWindowSpec {
  @JsonPropertyDescription("Failed runs within the window that make the probe fail, in a row or not.")
  @Required
  @Min(1)
  @Max(Bounds.THRESHOLD)
  private Integer failures;

  @JsonPropertyDescription("The window: the last this many seconds.")
  @Required
  @Min(1)
  @Max(Bounds.DAY_SECONDS)
  private Integer seconds;

  public FailureWindowSpec() {
  }

  public FailureWindowSpec(Integer failures, Integer seconds) {
    this.failures = failures;
    this.seconds = seconds;
  }

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  public Integer getSeconds() {
    return seconds;
  }

  public void setSeconds(Integer seconds) {
    this.seconds = seconds;
  }
}
