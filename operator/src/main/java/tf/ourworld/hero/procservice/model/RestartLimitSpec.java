package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** How many restarts a window allows before the operator gives up. */
public class RestartLimitSpec {
  @Default("5")
  @Min(1)
  @Max(Bounds.MAX_RESTARTS)
  private Integer maxRestarts = 5;

  @Default("600")
  @Min(1)
  @Max(Bounds.WEEK_SECONDS)
  private Integer windowSeconds = 600;

  public Integer getMaxRestarts() {
    return maxRestarts;
  }

  public void setMaxRestarts(Integer maxRestarts) {
    this.maxRestarts = maxRestarts;
  }

  public Integer getWindowSeconds() {
    return windowSeconds;
  }

  public void setWindowSeconds(Integer windowSeconds) {
    this.windowSeconds = windowSeconds;
  }
}
