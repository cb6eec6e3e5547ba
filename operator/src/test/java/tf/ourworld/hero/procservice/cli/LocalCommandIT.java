package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;

/** `local` end to end in one JVM: API, kubeconfig, manifests, operator, table, and a clean stop. */
class LocalCommandIT {
  @TempDir
  Path dir;

  @Test
  void runsTheManifestsItIsGivenAndStopsEveryProcessItStarted() throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: sleeper, namespace: team}
        spec:
          runtime: Process
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: alive
            process: main
            exec: {command: ["true"]}
            periodSeconds: 1
        ---
        not: [valid
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LocalCommand local = new LocalCommand();
    local.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    local.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    local.handleSignals = false;
    Path kubeconfig = dir.resolve("kc/config");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(local).execute(
        "--port", "0", "--kubeconfig", kubeconfig.toString(), "--state-dir", dir.resolve("state").toString(),
        dir.resolve("svc.yaml").toString()));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString(StandardCharsets.UTF_8).contains("Running; press"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("export KUBECONFIG=" + kubeconfig)
          .contains("created namespace team").contains("Allowed executables: /").contains("/sleep");
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("svc.yaml: document 2 is not valid YAML");

      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          ProcService ps = client.resources(ProcService.class).inNamespace("team").withName("sleeper").get();
          return ps != null && ps.getStatus() != null && ps.getStatus().getState() == ServiceState.Running;
        });
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8)
          .lines().anyMatch(l -> l.matches(".*team/sleeper\\s+\u25cf Running\\s+1/1\\s+0\\s+.*")));
      assertThat(sleepers()).isNotEmpty();
    } finally {
      local.stop();
      // kept in the surefire report when something above failed
      System.out.println(out.toString(StandardCharsets.UTF_8));
      System.out.println(err.toString(StandardCharsets.UTF_8));
    }
    assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Stopped.");
    assertThat(sleepers()).isEmpty();
  }

  private static List<ProcessHandle> sleepers() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).toList();
  }
}
