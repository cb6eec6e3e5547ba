package tf.ourworld.hero.procservice.runtime;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.probe.PlannedProbe;

/** Stands for a runtime this operator does not run, and says how to enable it. */
public final class DisabledRuntime implements WorkloadRuntime {
  private final RuntimeKind kind;
  private final String message;

  public DisabledRuntime(RuntimeKind kind, String message) {
    this.kind = kind;
    this.message = message;
  }

  @Override
  public RuntimeKind kind() {
    return kind;
  }

  @Override
  public String unavailableMessage() {
    return message;
  }

  @Override
  public List<SpecProblem> check(ProcService service) {
    return List.of(new SpecProblem(Reason.RuntimeUnavailable, message));
  }

  @Override
  public RuntimeObservation observe(ProcService service) {
    return RuntimeObservation.empty();
  }

  @Override
  public void start(ProcService service, Set<String> processes) {
  }

  @Override
  public void restart(ProcService service, Set<String> processes) {
  }

  @Override
  public boolean stop(ProcService service) {
    return true;
  }

  @Override
  public List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation) {
    return List.of();
  }

  @Override
  public void onChange(Consumer<ResourceID> trigger) {
  }
}
