package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;

/** Runs the operator against the current kubeconfig or the in-cluster config until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the operator against the current kubeconfig or in-cluster config.")
public class RunCommand implements Callable<Integer> {
  @Mixin
  OperatorOptions options = new OperatorOptions();

  @Override
  public Integer call() throws InterruptedException {
    OperatorConfig config = options.toConfig("json");
    Logging.apply(config.logFormat());
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorApp app = OperatorApp.start(client, config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down");
      app.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
