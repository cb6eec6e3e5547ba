package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.cli.RootCommand;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;

/** The procservice CLI against a real kube-apiserver, in the CLI's process and as `kubectl procservice`. */
@RealClusterTest
class CliRealClusterIT {
  static KubernetesClient client;
  static String ns;
  static OperatorApp app;
  @TempDir
  static Path stateDir;

  @BeforeAll
  static void setUp() throws Exception {
    client = RealCluster.adminClient();
    RealCluster.installCrd(client);
    ns = RealCluster.createNamespace(client, "cli", Map.of());
    OperatorConfig config = RealCluster.watching(OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of(Path.of("/bin/sleep").toRealPath().toString(),
            Path.of("/bin/true").toRealPath().toString(), Path.of("/bin/false").toRealPath().toString())), ns);
    app = OperatorApp.start(RealCluster.adminClient(), config);
    for (String yaml : List.of(service("fine", "true"), service("ill", "false"))) {
      client.resource(Serialization.unmarshal(yaml, ProcService.class)).inNamespace(ns).create();
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> state("fine") == ServiceState.Running
        && state("ill") == ServiceState.Degraded);
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.resources(ProcService.class).inNamespace(ns).delete();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> client.resources(ProcService.class).inNamespace(ns).list().getItems().isEmpty());
      if (app != null) {
        app.close();
      }
      client.namespaces().withName(ns).delete();
      client.close();
    }
  }

  static String service(String name, String probe) {
    return """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: %s}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 2
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: check
            process: main
            exec: {command: ["%s"]}
            periodSeconds: 1
            failureThreshold: 1
          recovery: {action: Warn}
        """.formatted(name, probe);
  }

  static ServiceState state(String name) {
    ProcService ps = client.resources(ProcService.class).inNamespace(ns).withName(name).get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  record Cli(int exit, String out, String err) {
  }

  static Cli cli(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = RootCommand.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig=" + RealCluster.kubeconfig(), "-n", ns));
    return new Cli(cl.execute(all.toArray(String[]::new)), o.toString(), e.toString());
  }

  @Test
  void listAndStatusAnswerFromARealApiServer() {
    Cli list = cli("list", "--color=always");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern("(?m)^fine\\s+\\S*\u25cf Running").containsPattern("(?m)^ill\\s+\\S*\u25d0 Degraded");
    Cli status = cli("status", "ill");
    assertThat(status.exit()).as(status.out() + status.err()).isEqualTo(1);
    assertThat(status.out()).contains("Probes ran:  now, on request").containsPattern("(?m)^check\\s+Failure\\s+1\\s+Failure ");
    assertThat(cli("status", "fine").exit()).isZero();
    assertThat(cli("restart", "fine").exit()).isZero();
  }

  @Test
  void kubectlRunsThePlugin() throws Exception {
    // kubectl hands a plugin its environment (KUBECONFIG), not its own flags
    ProcessBuilder pb = new ProcessBuilder(RealCluster.kubectl().toString(), "procservice", "list", "-n", ns);
    pb.environment().put("PATH", RealCluster.projectRoot() + ":" + System.getenv("PATH"));
    pb.environment().put("KUBECONFIG", RealCluster.kubeconfig().toString());
    pb.environment().put("PROCSERVICE_CLASSPATH", System.getProperty("java.class.path"));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).containsPattern("(?m)^fine\\s+Running").containsPattern("(?m)^ill\\s+Degraded");
  }
}
