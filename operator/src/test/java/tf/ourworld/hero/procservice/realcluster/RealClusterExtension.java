package tf.ourworld.hero.procservice.realcluster;

import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips (developer run) or fails (CI=true) a {@link RealClusterTest} when no cluster is given. */
public final class RealClusterExtension implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    String kubeconfig = RealCluster.kubeconfigSetting();
    if (kubeconfig == null) {
      String msg = "no real cluster: " + RealCluster.ENV + " is not set. Start one with "
          + "'scripts/cluster.sh up' and export " + RealCluster.ENV + "=$PWD/build/cluster/kubeconfig "
          + "(docs/testing.md), or run scripts/test.sh";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + msg);
      }
      System.err.println("\n*** SKIPPED " + context.getDisplayName() + ": " + msg + " ***\n");
      Assumptions.abort(msg);
    }
    if (!Files.isReadable(java.nio.file.Path.of(kubeconfig))) {
      throw new IllegalStateException(RealCluster.ENV + "=" + kubeconfig + " is not a readable file");
    }
  }
}
