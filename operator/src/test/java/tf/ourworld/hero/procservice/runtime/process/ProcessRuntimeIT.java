package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.process;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.script;
import static tf.ourworld.hero.procservice.runtime.process.ProcessFixtures.service;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;

/**
 * The real Process runtime and probe scheduler under the reconciler, against the CRUD mock API:
 * a killed child process is seen, restarted and reported; deleting the service leaves no process.
 */
class ProcessRuntimeIT {
  private static final Duration LONG = Duration.ofSeconds(40);

  @TempDir
  Path tmp;
  MockApi api;
  KubernetesClient client;
  OperatorApp app;
  ProcessRuntime runtime;
  final List<long[]> seen = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin")).toRealPath();
    script(bin, "server.sh", "exec /bin/sleep 300");
    script(bin, "ui.sh", "exec /bin/sleep 300");
    script(bin, "ready.sh", "exit 0");
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1)
        .withProcessRuntime(true, List.of(bin + "/*")).withStateDir(tmp.resolve("state"));
    runtime = new ProcessRuntime(config, Clock.systemUTC());
    api = new MockApi();
    client = api.client();
    app = OperatorApp.builder(client, config).runtime(runtime).start();
  }

  @AfterEach
  void stop() {
    app.close();
    runtime.close();
    api.close();
    for (long[] p : seen) {
      assertThat(ProcStat.isAlive(p[0], p[1])).as("process %d left behind", p[0]).isFalse();
    }
  }

  private ProcService heroOs() {
    Path bin = tmp.resolve("bin");
    ProcService s = service("hero-os", 2, process("server", bin.resolve("server.sh")),
        process("ui", bin.resolve("ui.sh")));
    s.getMetadata().setNamespace("default");
    ProbeSpec probe = new ProbeSpec();
    probe.setName("ui");
    probe.setProcess("ui");
    probe.setPeriodSeconds(1);
    ExecAction exec = new ExecAction();
    exec.setCommand(new ArrayList<>(List.of(bin.resolve("ready.sh").toString())));
    probe.setExec(exec);
    s.getSpec().getProbes().add(probe);
    return s;
  }

  private ProcService get() {
    return client.resources(ProcService.class).inNamespace("default").withName("hero-os").get();
  }

  private ProcessStatus status(String name) {
    ProcService ps = get();
    if (ps == null || ps.getStatus() == null || ps.getStatus().getProcesses() == null) {
      return null;
    }
    return ps.getStatus().getProcesses().stream().filter(p -> name.equals(p.getName())).findFirst().orElse(null);
  }

  private void remember(long pid) {
    ProcStat.read(pid).ifPresent(s -> seen.add(new long[] {pid, s.startTicks()}));
  }

  @Test
  void killedChildProcessIsRestartedAndReportedThenDeletionLeavesNothing() {
    client.resource(heroOs()).create();
    await().atMost(LONG).until(() -> get().getStatus() != null && get().getStatus().getState() == ServiceState.Running);
    long server = status("server").getPid();
    long ui = status("ui").getPid();
    remember(server);
    remember(ui);

    ProcessHandle.of(ui).orElseThrow().destroyForcibly();
    await().atMost(LONG).until(() -> {
      ProcessStatus s = status("ui");
      return s != null && s.getPid() != null && s.getPid() != ui && get().getStatus().getState() == ServiceState.Running;
    });
    ProcessStatus restarted = status("ui");
    remember(restarted.getPid());
    assertThat(restarted.getLastExit().getCode()).isEqualTo(137);
    assertThat(restarted.getLastExit().getSignal()).isEqualTo("SIGKILL");
    assertThat(status("server").getPid()).as("the other process is untouched").isEqualTo(server);

    client.resources(ProcService.class).inNamespace("default").withName("hero-os").delete();
    await().atMost(LONG).until(() -> get() == null);
    for (long[] p : seen) {
      assertThat(ProcStat.isAlive(p[0], p[1])).as("pid %d after delete", p[0]).isFalse();
    }
  }
}
