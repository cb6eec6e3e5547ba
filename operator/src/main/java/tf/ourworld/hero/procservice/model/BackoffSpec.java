package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Restart delay: doubling from initialSeconds up to maxSeconds. */
public class BackoffSpec {
  @Default("1")
  @Min(0)
  @Max(Bounds.DAY_SECONDS)
  private Integer initialSeconds = 1;

  @Default("300")
  @Min(1)
  @Max(Bounds.DAY_SECONDS)
  private Integer maxSeconds = 300;

  public Integer getInitialSeconds() {
    return initialSeconds;
  }

  public void setInitialSeconds(Integer initialSeconds) {
    this.initialSeconds = initialSeconds;
  }

  public Integer getMaxSeconds() {
    return maxSeconds;
  }

  public void setMaxSeconds(Integer maxSeconds) {
    this.maxSeconds = maxSeconds;
  }
}
