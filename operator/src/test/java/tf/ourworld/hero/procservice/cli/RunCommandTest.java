package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.config.OperatorConfig;

class RunCommandTest {

  @Test
  void theClientAllowsARequestPerReconcileThreadBesideTheInformers() {
    OperatorConfig operator = OperatorConfig.defaults();
    Config config = RunCommand.clientConfig(operator);
    assertThat(operator.reconcileThreads()).isEqualTo(OperatorConfig.DEFAULT_RECONCILE_THREADS);
    assertThat(config.getMaxConcurrentRequestsPerHost()).isEqualTo(operator.reconcileThreads() + 8);
    assertThat(config.getMaxConcurrentRequests()).isGreaterThanOrEqualTo(operator.reconcileThreads() + 8);
  }
}
