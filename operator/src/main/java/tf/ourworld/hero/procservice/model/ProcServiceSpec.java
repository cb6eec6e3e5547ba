package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Max;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** Desired state of a ProcService. */
@ValidationRule(value = "self.runtime != 'Track' || has(self.selector)",
    message = "selector is required for runtime Track", reason = "FieldValueRequired")
@ValidationRule(value = "self.runtime != 'Track' || !has(self.processes) || size(self.processes) == 0",
    message = "processes must be empty for runtime Track", reason = "FieldValueForbidden")
@ValidationRule(value = "self.runtime == 'Track' || (has(self.processes) && size(self.processes) >= 1)",
    message = "at least one process is required for runtimes Pod and Process", reason = "FieldValueRequired")
@ValidationRule(value = "self.runtime != 'Pod' || !has(self.processes) || self.processes.all(p, has(p.image) && size(p.image) > 0)",
    message = "image is required for every process of runtime Pod", reason = "FieldValueRequired")
@ValidationRule(value = "self.runtime != 'Process' || !has(self.processes) || self.processes.all(p, has(p.command) && size(p.command) > 0)",
    message = "command is required for every process of runtime Process", reason = "FieldValueRequired")
// These rules reach the API server as a ValidatingAdmissionPolicy (ValidationPolicy), not in the CRD,
// which answers every refusal as Invalid (422). Not reason FieldValueDuplicate all the same: as a CRD
// rule it was rendered "spec: Duplicate value" without the message (SpecAgreementRealClusterIT).
@ValidationRule(value = "!has(self.processes) || self.processes.all(p, self.processes.exists_one(q, q.name == p.name))",
    message = "process names must be unique", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.probes) || self.probes.all(p, self.probes.exists_one(q, q.name == p.name))",
    message = "probe names must be unique", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.probes) || self.probes.all(p, !has(p.process) || (has(self.processes) && self.processes.exists(q, q.name == p.process)))",
    message = "probe.process must name a process of spec.processes", reason = "FieldValueInvalid")
@ValidationRule(value = "self.runtime == 'Process' || !has(self.probes) || self.probes.all(p, !has(p.exec))",
    message = "exec probes are only allowed for runtime Process", reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.recovery) || !has(self.recovery.escalateAfterSeconds) || (has(self.recovery.action) ? self.recovery.action == 'Restart' : self.runtime != 'Track')",
    message = "recovery.escalateAfterSeconds only applies with recovery.action Restart", reason = "FieldValueInvalid")
public class ProcServiceSpec {
  /** The default grace, here only (the CRD and SpecDefaults take it from here). */
  public static final int DEFAULT_STOP_GRACE_PERIOD_SECONDS = 30;

  @JsonPropertyDescription("Where the processes run: Pod (default), Process (local processes on the operator's host) or Track (pods created by someone else).")
  @Default("Pod")
  private RuntimeKind runtime = RuntimeKind.Pod;

  @JsonPropertyDescription("True stops every process; the state becomes Stopped with reason Suspended.")
  @Default("false")
  private Boolean suspend = false;

  @JsonPropertyDescription("The service's processes (runtimes Pod and Process): 1 to 16, names unique DNS labels.")
  @Size(max = 16)
  private List<ProcessSpec> processes = new ArrayList<>();

  @JsonPropertyDescription("Track runtime only: the pods to watch, never created by the operator.")
  private LabelSelector selector;

  @JsonPropertyDescription("Handler probes the operator runs itself.")
  @Size(max = 32)
  private List<ProbeSpec> probes = new ArrayList<>();

  @JsonPropertyDescription("What to do when a process exits or a critical probe fails.")
  private RecoverySpec recovery;

  @JsonPropertyDescription("Seconds between SIGTERM and SIGKILL (Process) or the pod deletion grace period (Pod).")
  @Default("" + DEFAULT_STOP_GRACE_PERIOD_SECONDS)
  @Min(0)
  @Max(Bounds.DAY_SECONDS)
  private Integer stopGracePeriodSeconds = DEFAULT_STOP_GRACE_PERIOD_SECONDS;

  public RuntimeKind getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeKind runtime) {
    this.runtime = runtime;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public List<ProcessSpec> getProcesses() {
    return processes;
  }

  public void setProcesses(List<ProcessSpec> processes) {
    this.processes = processes;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public List<ProbeSpec> getProbes() {
    return probes;
  }

  public void setProbes(List<ProbeSpec> probes) {
    this.probes = probes;
  }

  public RecoverySpec getRecovery() {
    return recovery;
  }

  public void setRecovery(RecoverySpec recovery) {
    this.recovery = recovery;
  }

  public Integer getStopGracePeriodSeconds() {
    return stopGracePeriodSeconds;
  }

  public void setStopGracePeriodSeconds(Integer stopGracePeriodSeconds) {
    this.stopGracePeriodSeconds = stopGracePeriodSeconds;
  }

  /**
   * Set only on the stand-in for a spec the model could not bind (ProcServiceDeserializer): which
   * field and why. Never serialized; carried across clones by the operator's resource cloner.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  private transient String bindingProblem;

  public String bindingProblem() {
    return bindingProblem;
  }

  public void setBindingProblem(String problem) {
    this.bindingProblem = problem;
  }
}
