package tf.ourworld.hero.procservice.reconcile;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;

/** The runtimes this operator has, by kind; a kind without one is unavailable, with a reason. */
public final class RuntimeRegistry implements AutoCloseable {
  private final Map<RuntimeKind, WorkloadRuntime> runtimes = new EnumMap<>(RuntimeKind.class);

  public RuntimeRegistry add(WorkloadRuntime runtime) {
    runtimes.put(runtime.kind(), runtime);
    return this;
  }

  public Optional<WorkloadRuntime> get(RuntimeKind kind) {
    return Optional.ofNullable(runtimes.get(kind));
  }

  public Collection<WorkloadRuntime> all() {
    return runtimes.values();
  }

  /** Why a kind cannot be used here, or null. */
  public String unavailableMessage(RuntimeKind kind) {
    WorkloadRuntime r = runtimes.get(kind);
    if (r == null) {
      return "runtime " + kind + " is not available on this operator";
    }
    return r.unavailableMessage();
  }

  @Override
  public void close() {
    runtimes.values().forEach(r -> {
      try {
        r.close();
      } catch (Exception e) {
        // closing is best effort
      }
    });
  }
}
