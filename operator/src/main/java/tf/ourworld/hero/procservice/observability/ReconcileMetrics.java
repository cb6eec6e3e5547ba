package tf.ourworld.hero.procservice.observability;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;

/**
 * JOSDK's metrics hook, feeding {@code procservice_reconcile_total} and
 * {@code procservice_reconcile_duration_seconds}: wire it with
 * {@code ConfigurationServiceOverrider.withMetrics(new ReconcileMetrics(metrics))}.
 * Outcomes: {@code success}, {@code error} (the reconciler threw). Deletion runs through the same
 * reconcile (JOSDK's all-events mode); once JOSDK has seen a service gone, its series go too.
 */
public final class ReconcileMetrics implements Metrics {
  private final OperatorMetrics metrics;

  public ReconcileMetrics(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    try {
      T result = execution.execute();
      record(execution.resourceID(), System.nanoTime() - start, "success");
      return result;
    } catch (Exception e) {
      record(execution.resourceID(), System.nanoTime() - start, "error");
      throw e;
    }
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    if (resourceID != null) {
      metrics.forget(resourceID);
    }
  }

  private void record(ResourceID id, long nanos, String outcome) {
    if (id != null) {
      metrics.reconcile(id.getNamespace().orElse(""), id.getName(), nanos, outcome);
    }
  }
}
