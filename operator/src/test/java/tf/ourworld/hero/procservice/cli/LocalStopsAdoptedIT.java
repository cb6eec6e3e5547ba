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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * A `local` killed with SIGKILL leaves its processes running; the next `local` over the same state
 * dir adopts them (they are not its children) and, on SIGTERM, stops them too.
 */
class LocalStopsAdoptedIT {
  @TempDir
  Path dir;
  long leftover;

  @AfterEach
  void cleanUp() {
    ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  void stopsAProcessItAdoptedFromAKilledPredecessor() throws Exception {
    Path sleep = Path.of("/bin/sleep").toRealPath();
    Path state = dir.resolve("state").toAbsolutePath();
    Path runtimeDir = state.resolve("team/sleeper");
    Files.createDirectories(runtimeDir);
    // What a killed predecessor leaves: a detached process (re-parented away from us) and its record.
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c",
        "/usr/bin/setsid " + sleep + " 600 </dev/null >/dev/null 2>&1 & echo $!");
    pb.environment().put("PROCSERVICE_TOKEN", "left-by-a-killed-local");
    pb.environment().put("PROCSERVICE_PROCESS", "main");
    pb.environment().put("PROCSERVICE_RUNTIME_DIR", runtimeDir.toString());
    Process starter = pb.start();
    leftover = Long.parseLong(new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    starter.waitFor();
    assertThat(ProcessHandle.current().descendants().anyMatch(p -> p.pid() == leftover)).isFalse();
    Files.writeString(runtimeDir.resolve("state.json"), """
        {"version": 1, "processes": {"main": {"phase": "Running", "command": "%s", "starts": 1,
         "token": "left-by-a-killed-local"}}}""".formatted(sleep));
    Files.writeString(dir.resolve("svc.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: sleeper, namespace: team}
        spec:
          runtime: Process
          processes:
          - name: main
            command: [%s, "600"]
        """.formatted(sleep));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LocalCommand local = new LocalCommand();
    local.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    local.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    local.handleSignals = false;
    Path kubeconfig = dir.resolve("kubeconfig");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(local).execute(
        "--port", "0", "--quiet", "--kubeconfig", kubeconfig.toString(), "--state-dir", state.toString(),
        dir.resolve("svc.yaml").toString()));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString(StandardCharsets.UTF_8).contains("Running; press"));
      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          ProcService ps = client.resources(ProcService.class).inNamespace("team").withName("sleeper").get();
          return ps != null && ps.getStatus() != null && ps.getStatus().getState() == ServiceState.Running
              && ps.getStatus().getProcesses() != null && !ps.getStatus().getProcesses().isEmpty()
              && Long.valueOf(leftover).equals(ps.getStatus().getProcesses().get(0).getPid());
        });
      }
    } finally {
      local.stop(); // what SIGTERM does
    }
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> !alive(leftover));
  }

  /** Alive and not a zombie (a killed orphan may wait a while for init to reap it). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
