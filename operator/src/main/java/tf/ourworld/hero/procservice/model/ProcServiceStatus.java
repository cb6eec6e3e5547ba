package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a ProcService, written only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcServiceStatus {
  @JsonPropertyDescription("The spec generation this status describes.")
  @Min(0)
  private Long observedGeneration;

  @JsonPropertyDescription("Starting, Running, Degraded, Stopped or Failed.")
  private ServiceState state;

  @JsonPropertyDescription("CamelCase machine reason for the state.")
  private String reason;

  @JsonPropertyDescription("One human-readable line about the state.")
  private String message;

  @JsonPropertyDescription("When state last changed.")
  private String lastTransitionTime;

  @JsonPropertyDescription("Passing probes / all probes, e.g. 1/2.")
  private String probesReady;

  @JsonPropertyDescription("Restarts made by the operator and the runtime, in total.")
  @Min(0)
  @Max(Integer.MAX_VALUE)
  private Integer restarts;

  @JsonPropertyDescription("When the next restart is due, while backing off.")
  private String nextRestartTime;

  @JsonPropertyDescription("When the operator restarted something within the restart window, oldest first: the"
      + " restart limit and backoff count these, also across operator restarts.")
  @Size(max = Bounds.MAX_RESTARTS)
  private List<String> restartTimes;

  @JsonPropertyDescription("One entry per process (Pod, Process).")
  private List<ProcessStatus> processes;

  @JsonPropertyDescription("One entry per probe.")
  private List<ProbeStatus> probes;

  @JsonPropertyDescription("Tracked pods and their probe results (Track).")
  private List<TrackedPodStatus> pods;

  @JsonPropertyDescription("Annotation values the operator has acted on (probe-now, reset-failed, restart); probeNowDone: the"
      + " probe-now value whose probe runs have ended, their results in this status.")
  private HandledAnnotations handled;

  @JsonPropertyDescription("Ready, Degraded, Reconciling and Stalled (metav1.Condition).")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public ServiceState getState() {
    return state;
  }

  public void setState(ServiceState state) {
    this.state = state;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public String getProbesReady() {
    return probesReady;
  }

  public void setProbesReady(String probesReady) {
    this.probesReady = probesReady;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  public List<String> getRestartTimes() {
    return restartTimes;
  }

  public void setRestartTimes(List<String> restartTimes) {
    this.restartTimes = restartTimes;
  }

  public String getNextRestartTime() {
    return nextRestartTime;
  }

  public void setNextRestartTime(String nextRestartTime) {
    this.nextRestartTime = nextRestartTime;
  }

  public List<ProcessStatus> getProcesses() {
    return processes;
  }

  public void setProcesses(List<ProcessStatus> processes) {
    this.processes = processes;
  }

  public List<ProbeStatus> getProbes() {
    return probes;
  }

  public void setProbes(List<ProbeStatus> probes) {
    this.probes = probes;
  }

  public List<TrackedPodStatus> getPods() {
    return pods;
  }

  public void setPods(List<TrackedPodStatus> pods) {
    this.pods = pods;
  }

  public HandledAnnotations getHandled() {
    return handled;
  }

  public void setHandled(HandledAnnotations handled) {
    this.handled = handled;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
