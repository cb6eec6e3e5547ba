package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which API and namespace, as kubectl takes them: --kubeconfig, --context, -n; else $KUBECONFIG, ~/.kube/config. */
public final class ClusterOptions {
  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use (default: its current context).")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: the context's, else default).")
  String namespace;

  /** A client for the chosen API; the caller closes it. */
  KubernetesClient client() {
    Config config;
    if (kubeconfig != null) {
      String text;
      try {
        text = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new CliException("cannot read --kubeconfig " + kubeconfig + ": " + e.getMessage());
      }
      try {
        config = Config.fromKubeconfig(context, text, kubeconfig.toAbsolutePath().toString());
      } catch (RuntimeException e) {
        throw new CliException("cannot use --kubeconfig " + kubeconfig + (context == null ? "" : " with --context "
            + context) + ": " + e.getMessage());
      }
    } else {
      config = Config.autoConfigure(context);
    }
    if (namespace != null) {
      config.setNamespace(namespace);
    }
    if (config.getNamespace() == null) {
      config.setNamespace("default");
    }
    // a person waits on the other end: fail fast instead of fabric8's long retries
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(5_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
