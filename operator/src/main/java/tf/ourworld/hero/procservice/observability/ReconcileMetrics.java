package tf.ourworld.hero.procservice.observability;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * JOSDK's metrics hook, feeding {@code procservice_reconcile_total} and
 * {@code procservice_reconcile_duration_seconds}: wire it with
 * {@code ConfigurationServiceOverrider.withMetrics(new ReconcileMetrics(metrics))}.
 * Outcomes: {@code success}, {@code error} (the reconciler threw), {@code cleanup},
 * {@code cleanup_error} (deletion with the finalizer).
 */
public final class ReconcileMetrics implements Metrics {
  private final OperatorMetrics metrics;

  public ReconcileMetrics(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    String prefix = "cleanup".equals(execution.name()) ? "cleanup" : "";
    try {
      T result = execution.execute();
      record(execution.resourceID(), System.nanoTime() - start, prefix.isEmpty() ? "success" : prefix);
      if (result instanceof DeleteControl d && d.isRemoveFinalizer() && execution.resourceID() != null) {
        // the service is gone: its series go too, after this last reconcile was counted
        metrics.forget(execution.resourceID());
      }
      return result;
    } catch (Exception e) {
      record(execution.resourceID(), System.nanoTime() - start, prefix.isEmpty() ? "error" : prefix + "_error");
      throw e;
    }
  }

  private void record(ResourceID id, long nanos, String outcome) {
    if (id != null) {
      metrics.reconcile(id.getNamespace().orElse(""), id.getName(), nanos, outcome);
    }
  }
}
