package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.agent.AgentArgs;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.AgentProtocol;

/**
 * Unix-socket probes of a Pod service on a real control plane, through the probe agent: the API
 * server admits the pod with its native sidecar in a namespace that enforces Pod Security
 * "restricted", the operator (as deploy/'s ServiceAccount) makes the token Secret, and the agent runs
 * as a real process with the sidecar's own arguments, bound to the kwok pod's loopback IP, probing
 * the seed's demo ui on a real unix socket. The Secret goes with the ProcService (garbage collector).
 */
@RealClusterTest
class ProbeAgentRealClusterIT {
  static final String AGENT_IMAGE = "registry.example.org/hero/procservice-operator:it";
  static KubernetesClient admin;
  static String ns;
  @TempDir
  Path stateDir;
  @TempDir
  Path podDir;
  KubernetesClient operatorClient;
  OperatorApp app;
  ForbiddenLog forbidden;
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    admin = RealCluster.adminClient();
    RealCluster.installCrd(admin);
    ns = RealCluster.createNamespace(admin, "agent", Map.of("pod-security.kubernetes.io/enforce", "restricted",
        "pod-security.kubernetes.io/enforce-version", "latest"));
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.namespaces().withName(ns).delete();
      admin.close();
    }
  }

  @BeforeEach
  void startOperator() {
    forbidden = new ForbiddenLog();
    operatorClient = RealCluster.operatorClient(admin);
    app = OperatorApp.start(operatorClient, RealCluster.watching(
        OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir).withAgentImage(AGENT_IMAGE), ns));
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (app != null) {
      RealCluster.deleteProcServices(admin, ns);
      app.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    try (ForbiddenLog f = forbidden) {
      f.assertNone();
    }
  }

  static ProcService service(String name) {
    ProcService ps = new ProcService();
    ps.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Pod);
    spec.setStopGracePeriodSeconds(0);
    ProcessSpec ui = new ProcessSpec();
    ui.setName("ui");
    ui.setImage("registry.example.org/hero/hero_foundry_ui:1.4");
    spec.setProcesses(List.of(ui));
    ProbeSpec probe = new ProbeSpec();
    probe.setName("ui");
    probe.setProcess("ui");
    probe.setPeriodSeconds(1);
    probe.setTimeoutSeconds(1);
    probe.setFailureThreshold(2);
    HttpGetAction h = new HttpGetAction();
    h.setUnixSocket("ui.sock");
    h.setPath("/health");
    probe.setHttpGet(h);
    spec.setProbes(List.of(probe));
    RecoverySpec r = new RecoverySpec();
    r.setAction(RecoveryAction.Warn);   // keep the pod: this test is about what the agent sees
    spec.setRecovery(r);
    ps.setSpec(spec);
    return ps;
  }

  ProcService get(String name) {
    return admin.resources(ProcService.class).inNamespace(ns).withName(name).get();
  }

  String summary(String name) {
    ProcService ps = get(name);
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState() + " " + ps.getStatus().getMessage();
  }

  Pod runningPod(String name) {
    return await("a Running pod of " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> admin.pods().inNamespace(ns).withName(name).get(),
            p -> p != null && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null);
  }

  Process java(Path dir, String mainClass, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx48m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + ".log").toFile()).start();
    processes.add(p);
    return p;
  }

  /** The sidecar's own arguments, with the pod's paths mapped into this test's directory and its IP bound. */
  static List<String> agentArgs(Container sidecar, Path podDir, Path tokenFile, String podIp) {
    List<String> args = new ArrayList<>();
    for (String a : sidecar.getArgs()) {
      if (!a.startsWith(AgentArgs.TOKEN_FILE + "=") && !a.startsWith(AgentArgs.RUNTIME_DIR + "=")) {
        args.add(a);
      }
    }
    args.addAll(List.of(AgentArgs.TOKEN_FILE + "=" + tokenFile, AgentArgs.RUNTIME_DIR + "=" + podDir,
        AgentArgs.BIND + "=" + podIp));
    return args;
  }

  @Test
  void unixSocketProbesOfAPodGoThroughItsProbeAgent() throws Exception {
    admin.resource(service("foundry")).create();
    Pod pod = runningPod("foundry");
    String ip = pod.getStatus().getPodIP();

    // the pod as admitted under "restricted": the sidecar is a native one and carries only its probes
    Container sidecar = pod.getSpec().getInitContainers().stream()
        .filter(c -> c.getName().equals("procservice-probe-agent")).findFirst().orElseThrow();
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.getImage()).isEqualTo(AGENT_IMAGE);
    assertThat(sidecar.getArgs().get(0)).isEqualTo("probe-agent");

    // the token: in a Secret owned by the ProcService, made by the operator
    Secret secret = admin.secrets().inNamespace(ns).withName("foundry-probe-agent").get();
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(get("foundry").getMetadata().getUid()));
    String token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    assertThat(token).hasSizeGreaterThanOrEqualTo(40);
    Path tokenFile = Files.writeString(podDir.resolve("token"), token);

    // no agent yet: the probe fails, saying so
    await("Degraded while no agent answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> summary("foundry"), s -> s != null && s.startsWith("Degraded")
            && s.contains("probe agent at " + ip + ":" + AgentProtocol.PORT) && s.endsWith("(via probe agent)"));
    assertThat(summary("foundry")).doesNotContain(token);

    // the agent, as the sidecar would run it, and the demo ui serving ui.sock in the pod's runtime dir
    java(podDir, "tf.ourworld.hero.procservice.Main", agentArgs(sidecar, podDir, tokenFile, ip));
    Process ui = java(podDir, "tf.ourworld.hero.procservice.demo.HeroFoundryDemo", List.of("ui"));
    await("Running through the agent").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> summary("foundry"), s -> s != null && s.startsWith("Running"));

    // nobody without the pod's token can make the agent probe
    HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + ip + ":" + AgentProtocol.PORT + "/v1/probes/ui")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    // the seed's incident 1: the ui dies and its socket is gone
    ui.destroyForcibly().waitFor();
    Files.deleteIfExists(podDir.resolve("ui.sock"));
    await("Degraded: no such socket, via the agent").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> summary("foundry"), s -> s != null
            && s.equals("Degraded probe ui failed 2 times: GET unix:ui.sock/health: no such socket ui.sock (via probe agent)"));

    // back: Running again, without a pod replacement (action Warn)
    java(podDir, "tf.ourworld.hero.procservice.demo.HeroFoundryDemo", List.of("ui"));
    await("Running again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> summary("foundry"), s -> s != null && s.startsWith("Running"));
    assertThat(admin.pods().inNamespace(ns).withName("foundry").get().getMetadata().getUid())
        .isEqualTo(pod.getMetadata().getUid());

    // an operator restart reads the token back: the running pod keeps being probed, no new Secret
    app.close();
    app = OperatorApp.start(operatorClient, RealCluster.watching(
        OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir).withAgentImage(AGENT_IMAGE), ns));
    await("Running after the operator restart").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).until(() -> summary("foundry"), s -> s != null && s.startsWith("Running"));
    assertThat(admin.secrets().inNamespace(ns).withName("foundry-probe-agent").get().getMetadata().getUid())
        .isEqualTo(secret.getMetadata().getUid());

    // deleting the ProcService takes the Secret with it (owner reference, garbage collector)
    admin.resources(ProcService.class).inNamespace(ns).withName("foundry").delete();
    await("the token Secret garbage-collected").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> admin.secrets().inNamespace(ns).withName("foundry-probe-agent").get() == null);
  }
}
