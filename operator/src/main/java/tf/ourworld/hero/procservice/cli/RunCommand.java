package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;

/** Runs the operator against the current kubeconfig or the in-cluster config until SIGTERM, then exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the operator against the current kubeconfig or in-cluster config.")
public class RunCommand implements Callable<Integer> {
  @Mixin
  OperatorOptions options = new OperatorOptions();

  /**
   * fabric8's configuration from the environment (in-cluster, KUBECONFIG, KUBERNETES_* variables),
   * with room for a request per reconcile thread beside the informers' lists and watches: fabric8
   * allows 5 requests to a host at once by default, fewer than the reconcile threads that may each
   * be writing a status. A higher KUBERNETES_MAX_CONCURRENT_REQUESTS_PER_HOST is kept.
   */
  static Config clientConfig(OperatorConfig operator) {
    Config config = Config.autoConfigure(null);
    int wanted = operator.reconcileThreads() + 8;
    if (config.getMaxConcurrentRequestsPerHost() < wanted) {
      config.setMaxConcurrentRequestsPerHost(wanted);
    }
    if (config.getMaxConcurrentRequests() < wanted) {
      config.setMaxConcurrentRequests(wanted);
    }
    return config;
  }

  @Override
  public Integer call() throws InterruptedException {
    OperatorConfig config = options.toConfig("json");
    Logging.apply(config.logFormat());
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig(config)).build();
    OperatorApp app = OperatorApp.start(client, config);
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable shutdown = () -> {
      if (closed.compareAndSet(false, true)) {
        log.info("Shutting down");
        app.close();
        client.close();
      }
    };
    // SIGTERM (the kubelet stopping the pod) and SIGINT end the wait below: shutdown runs on this
    // thread and the command exits 0 instead of the JVM's 143. The hook is the safety net for any
    // other way out.
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.countDown());
      } catch (IllegalArgumentException e) {
        log.debug("cannot handle SIG{}", name, e);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "shutdown"));
    stop.await();
    shutdown.run();
    return 0;
  }
}
