package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** How many restarts a window allows before the operator gives up. */
public class RestartLimitSpec {
  /** The defaults, here only: the CRD, SpecDefaults and the docs take them from here. */
  public static final int DEFAULT_MAX_RESTARTS = 5;
  public static final int DEFAULT_WINDOW_SECONDS = 600;

  @Default("" + DEFAULT_MAX_RESTARTS)
  @Min(1)
  @Max(Bounds.MAX_RESTARTS)
  private Integer maxRestarts = DEFAULT_MAX_RESTARTS;

  @Default("" + DEFAULT_WINDOW_SECONDS)
  @Min(1)
  @Max(Bounds.WEEK_SECONDS)
  private Integer windowSeconds = DEFAULT_WINDOW_SECONDS;

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
