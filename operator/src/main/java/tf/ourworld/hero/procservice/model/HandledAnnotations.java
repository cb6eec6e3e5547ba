package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last annotation values acted on, so each new value acts exactly once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandledAnnotations {
  private String probeNow;
  private String resetFailed;
  /** The probe-now value whose run has ended: the probe results in status are that run's. */
  @JsonPropertyDescription("The probe-now value whose probe runs have ended: the probe results in status are that run's or newer.")
  private String probeNowDone;
  @JsonPropertyDescription("The restart value acted on (TOKEN or TOKEN;PROCESS,PROCESS).")
  private String restart;

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

  public String getProbeNowDone() {
    return probeNowDone;
  }

  public void setProbeNowDone(String probeNowDone) {
    this.probeNowDone = probeNowDone;
  }

  public String getRestart() {
    return restart;
  }

  public void setRestart(String restart) {
    this.restart = restart;
  }
}
