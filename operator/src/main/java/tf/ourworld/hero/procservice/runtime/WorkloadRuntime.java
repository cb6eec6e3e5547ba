package tf.ourworld.hero.procservice.runtime;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.probe.PlannedProbe;

/**
 * The mechanics of one runtime (Pod, Process, Track). Decisions (when to restart, backoff, limits)
 * are made by the reconciler; a runtime only observes and acts, and never blocks for long.
 */
public interface WorkloadRuntime extends AutoCloseable {

  RuntimeKind kind();

  /** What this runtime's units are and how probes and restarts map onto them. */
  default UnitRules unitRules() {
    return UnitRules.DECLARED_PROCESSES;
  }

  /** Null when this runtime can be used; otherwise why not and how to enable it. */
  String unavailableMessage();

  /** Runtime-specific problems (allow-list, paths, unsupported probe kinds); empty when fine. */
  List<SpecProblem> check(ProcService service);

  /** A cheap snapshot of what is running for the service, from memory or an informer cache. */
  RuntimeObservation observe(ProcService service);

  /**
   * True when what runs for the service no longer matches its spec and only a restart() brings it
   * in line (Pod: the pod template changed). Cheap, from the same cache as observe().
   */
  default boolean needsReplacement(ProcService service, RuntimeObservation observation) {
    return false;
  }

  /** Starts the named processes that are not running (all when the set is empty). */
  void start(ProcService service, Set<String> processes);

  /** Stops and starts the named processes again (all when the set is empty). */
  void restart(ProcService service, Set<String> processes);

  /**
   * Stops everything of the service (suspend or delete). Asynchronous and idempotent: returns true
   * once nothing is left running, false while stopping is still in progress.
   */
  boolean stop(ProcService service);

  /**
   * True when deleting a service must wait until {@link #stop} is done: the operator then keeps its
   * finalizer on the service while it runs. False for a runtime that owns nothing a deletion could
   * leave behind (Track only probes pods others own); such a service costs no finalizer write.
   */
  default boolean needsFinalizer() {
    return true;
  }

  /**
   * Whether this runtime still runs or keeps something of the service (its processes, its pods,
   * its selector), from memory: how a change of {@code spec.runtime} finds what the old runtime
   * must stop and forget. Cheap: asked at every reconcile of the service by the runtimes it does
   * not name.
   */
  default boolean holds(ProcService service) {
    return false;
  }

  /** Forgets the service after stop returned true (runtime dirs, bookkeeping). */
  default void forget(ProcService service) {
  }

  /** The probes to run for the service now, with their targets resolved from the observation. */
  List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation);

  /** Called once at wiring: the runtime calls it when a process exits or a pod changes. */
  void onChange(Consumer<ResourceID> trigger);

  @Override
  default void close() {
  }
}
