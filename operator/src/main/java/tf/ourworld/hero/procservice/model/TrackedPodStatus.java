package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A pod watched by the Track runtime and its probe results. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrackedPodStatus {
  private String name;
  private String podIP;
  private String phase;
  private Boolean ready;
  private List<ProbeStatus> probes;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getPodIP() {
    return podIP;
  }

  public void setPodIP(String podIP) {
    this.podIP = podIP;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public List<ProbeStatus> getProbes() {
    return probes;
  }

  public void setProbes(List<ProbeStatus> probes) {
    this.probes = probes;
  }
}
