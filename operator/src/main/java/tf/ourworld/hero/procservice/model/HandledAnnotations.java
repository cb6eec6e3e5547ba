package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The last annotation values acted on, so each new value acts exactly once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandledAnnotations {
  private String probeNow;
  private String resetFailed;

  public String getProbeNow() {
    return probeNow;
  }

  public void setProbeNow(String probeNow) {
    this.probeNow = probeNow;
  }

  public String getResetFailed() {
    return resetFailed;
  }

  public void setResetFailed(String resetFailed) {
    this.resetFailed = resetFailed;
  }
}
