package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

@EnableKubernetesMockClient(crud = true)
class OperatorHealthIT {
  static KubernetesClient client;

  @ControllerConfiguration(name = "noop")
  static class Noop implements Reconciler<ProcService> {
    @Override
    public UpdateControl<ProcService> reconcile(ProcService resource, Context<ProcService> context) {
      return UpdateControl.noUpdate();
    }
  }

  @Test
  void readyOnceTheOperatorStartedAliveWhileItsLoopsRun() {
    AtomicBoolean probesAlive = new AtomicBoolean(true);
    Operator operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
        .withCloseClientOnStop(false));
    operator.register(new Noop(), c -> c.watchingAllNamespaces());
    OperatorHealth health = OperatorHealth.of(operator, probesAlive::get);
    try {
      assertThat(health.alive()).as("alive while starting").isTrue();
      assertThat(health.ready()).as("not ready before start").isFalse();

      operator.start();
      await().until(health::ready);
      assertThat(health.alive()).isTrue();

      probesAlive.set(false);
      assertThat(health.alive()).as("a dead probe scheduler is not alive").isFalse();
    } finally {
      operator.stop();
    }
  }
}
