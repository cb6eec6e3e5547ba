package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.monitoring.Metrics.ControllerExecution;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class ReconcileMetricsTest {
  private final OperatorMetrics metrics = new OperatorMetrics();
  private final ReconcileMetrics hook = new ReconcileMetrics(metrics);

  private static <T> ControllerExecution<T> execution(String name, Callable<T> body) {
    return new ControllerExecution<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String controllerName() {
        return "procservice";
      }

      @Override
      public String successTypeName(T result) {
        return "success";
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("hero-foundry", "hero");
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public T execute() throws Exception {
        return body.call();
      }
    };
  }

  @Test
  void countsReconcilesByOutcome() throws Exception {
    assertThat(hook.timeControllerExecution(execution("reconcile", () -> "done"))).isEqualTo("done");
    hook.timeControllerExecution(execution("reconcile", () -> "done"));
    assertThatThrownBy(() -> hook.timeControllerExecution(execution("reconcile", () -> {
      throw new IllegalStateException("boom");
    }))).hasMessage("boom");

    PrometheusText out = PrometheusText.parse(metrics.scrape());
    assertThat(out.value("procservice_reconcile_total", "namespace", "hero", "name", "hero-foundry", "outcome", "success"))
        .contains(2.0);
    assertThat(out.value("procservice_reconcile_total", "namespace", "hero", "name", "hero-foundry", "outcome", "error"))
        .contains(1.0);
    assertThat(out.value("procservice_reconcile_duration_seconds_count", "outcome", "success")).contains(2.0);
  }

  @Test
  void aServiceJosdkSawGoLosesItsSeries() throws Exception {
    hook.timeControllerExecution(execution("reconcile", () -> "done"));
    hook.cleanupDoneFor(new ResourceID("hero-foundry", "hero"), Map.of());

    PrometheusText out = PrometheusText.parse(metrics.scrape());
    assertThat(out.value("procservice_reconcile_total", "namespace", "hero", "name", "hero-foundry", "outcome", "success"))
        .isEmpty();
  }
}
