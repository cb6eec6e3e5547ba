package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * The Pod runtime on a real control plane: the scheduler places the pod, kwok marks it Running with a
 * loopback IP (127.1.x.y), and this test serves the container's port on that IP with a real HTTP
 * handler the operator probes. The operator runs as deploy/'s ServiceAccount, in a namespace that
 * enforces Pod Security "restricted".
 */
@RealClusterTest
class PodRuntimeRealClusterIT {
  static final int PORT = 8080;
  static KubernetesClient admin;
  static String ns;
  @TempDir
  Path stateDir;
  KubernetesClient operatorClient;
  OperatorApp app;
  ForbiddenLog forbidden;
  final PodHandlers handlers = new PodHandlers(PORT);

  @BeforeAll
  static void setUp() {
    admin = RealCluster.adminClient();
    RealCluster.installCrd(admin);
    ns = RealCluster.createNamespace(admin, "pods", Map.of("pod-security.kubernetes.io/enforce", "restricted",
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
    handlers.serveEveryPod(admin, ns, ProcService.LABEL_PROCSERVICE);
    app = OperatorApp.start(operatorClient, RealCluster.watching(
        OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir), ns));
  }

  @AfterEach
  void stop() {
    if (app != null) {
      RealCluster.deleteProcServices(admin, ns);
      app.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    handlers.close();
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
    ProcessSpec web = new ProcessSpec();
    web.setName("web");
    web.setImage("example.org/web:1.0");
    web.setPorts(List.of(new PortSpec("http", PORT)));
    spec.setProcesses(List.of(web));
    ProbeSpec probe = new ProbeSpec();
    probe.setName("http");
    probe.setProcess("web");
    probe.setPeriodSeconds(1);
    probe.setFailureThreshold(2);
    HttpGetAction h = new HttpGetAction();
    h.setPath("/health");
    h.setPort(new IntOrString("http"));
    probe.setHttpGet(h);
    spec.setProbes(List.of(probe));
    RecoverySpec r = new RecoverySpec();
    BackoffSpec b = new BackoffSpec();
    b.setInitialSeconds(1);
    b.setMaxSeconds(2);
    r.setBackoff(b);
    spec.setRecovery(r);
    ps.setSpec(spec);
    return ps;
  }

  List<Pod> pods(String name) {
    List<Pod> pods = admin.pods().inNamespace(ns).withLabel(ProcService.LABEL_PROCSERVICE, name).list().getItems();
    assertThat(pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null))
        .as("never two live pods for one ProcService").hasSizeLessThanOrEqualTo(1);
    return pods;
  }

  /** The service's running pod with a loopback IP from kwok, once there is one (other than `not`). */
  Pod runningPod(String name, String notUid) {
    return await("a Running pod of " + name + " with a 127.1.x.y IP").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> pods(name).stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null && !p.getMetadata().getUid().equals(notUid))
            .filter(p -> "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null)
            .findFirst().orElse(null), p -> p != null);
  }

  ServiceState state(String name) {
    ProcService ps = admin.resources(ProcService.class).inNamespace(ns).withName(name).get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  void awaitState(String name, ServiceState want) {
    await(name + " " + want).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> state(name) == want);
  }

  @Test
  void podLifecycleOnARealCluster() throws Exception {
    admin.resource(service("web")).create();
    Pod first = runningPod("web", null);
    assertThat(first.getSpec().getNodeName()).as("placed by the scheduler").startsWith("kwok-node-");
    assertThat(first.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind() + "/" + o.getName() + "/" + o.getController()).isEqualTo("ProcService/web/true"));
    awaitState("web", ServiceState.Running);

    // the handler breaks: the pod is replaced (restart = delete + create) and the new one probed.
    // The first restart is immediate and the new pod answers at once, so Degraded may last only a
    // few milliseconds between two polls: the Restarting Event and the restart count stay.
    handlers.breakHandler(first);
    await("a Restarting Event naming the failed probe").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> admin.v1().events().inNamespace(ns).list().getItems().stream()
            .anyMatch(e -> "Restarting".equals(e.getReason()) && e.getMessage() != null
                && e.getMessage().contains("probe http failed 2 times")));
    Pod second = runningPod("web", first.getMetadata().getUid());
    awaitState("web", ServiceState.Running);
    assertThat(admin.resources(ProcService.class).inNamespace(ns).withName("web").get().getStatus().getRestarts())
        .isPositive();

    // someone deletes the pod: the operator makes a new one
    admin.pods().inNamespace(ns).withName(second.getMetadata().getName()).withGracePeriod(0).delete();
    Pod third = runningPod("web", second.getMetadata().getUid());
    awaitState("web", ServiceState.Running);

    // a template change (new image) replaces the pod
    RealCluster.edit(admin, ns, "web", p -> {
      p.getSpec().getProcesses().get(0).setImage("example.org/web:1.1");
      return p;
    });
    Pod fourth = runningPod("web", third.getMetadata().getUid());
    assertThat(fourth.getSpec().getContainers().get(0).getImage()).isEqualTo("example.org/web:1.1");
    awaitState("web", ServiceState.Running);

    // an operator restart adopts the pod: the same one, never a second
    app.close();
    app = OperatorApp.start(operatorClient, RealCluster.watching(
        OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir), ns));
    await("the same single pod, Running, across the operator restart").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> pods("web").size() == 1 && pods("web").get(0).getMetadata().getUid().equals(fourth.getMetadata().getUid())
            && state("web") == ServiceState.Running);

    // suspend: no pod, Stopped
    RealCluster.edit(admin, ns, "web", p -> {
      p.getSpec().setSuspend(true);
      return p;
    });
    awaitState("web", ServiceState.Stopped);
    await("no pod while suspended").atMost(Duration.ofSeconds(60)).until(() -> pods("web").isEmpty());
  }

  @Test
  void deletedProcServicesPodIsGarbageCollectedThroughItsOwnerReference() {
    admin.resource(service("orphan")).create();
    Pod pod = runningPod("orphan", null);
    // without the operator (and so without its finalizer's cleanup), only the GC can remove the pod
    app.close();
    app = null;
    RealCluster.edit(admin, ns, "orphan", p -> {
      p.getMetadata().setFinalizers(List.of());
      return p;
    });
    admin.resources(ProcService.class).inNamespace(ns).withName("orphan").delete();
    await("pod " + pod.getMetadata().getName() + " garbage-collected").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get() == null);
  }

  @Test
  void theNamespaceReallyEnforcesPodSecurityRestricted() {
    // a plain pod (no runAsNonRoot, no seccomp profile, capabilities kept): fine for "baseline", not here
    Pod plain = new PodBuilder().withNewMetadata().withName("plain").withNamespace(ns).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("x").endContainer().endSpec().build();
    assertThatThrownBy(() -> admin.resource(plain).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:latest\"");
        });
  }
}
