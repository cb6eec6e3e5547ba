package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Restart delay: doubling from initialSeconds up to maxSeconds. */
public class BackoffSpec {
  /** The defaults, here only: the CRD, SpecDefaults and the docs take them from here. */
  public static final int DEFAULT_INITIAL_SECONDS = 1;
  public static final int DEFAULT_MAX_SECONDS = 300;

  @Default("" + DEFAULT_INITIAL_SECONDS)
  @Min(0)
  @Max(Bounds.DAY_SECONDS)
  private Integer initialSeconds = DEFAULT_INITIAL_SECONDS;

  @Default("" + DEFAULT_MAX_SECONDS)
  @Min(1)
  @Max(Bounds.DAY_SECONDS)
  private Integer maxSeconds = DEFAULT_MAX_SECONDS;

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
