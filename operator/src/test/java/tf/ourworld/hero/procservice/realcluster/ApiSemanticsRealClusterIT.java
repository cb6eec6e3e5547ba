package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.reconcile.StatusWriter;
import tf.ourworld.hero.procservice.testing.SwitchableHttpTarget;

/** What a real kube-apiserver does that the mock and the embedded API do not, and how the operator copes. */
@RealClusterTest
class ApiSemanticsRealClusterIT {
  static KubernetesClient client;
  static String ns;
  @TempDir
  Path stateDir;
  OperatorApp app;
  SwitchableHttpTarget target;

  @BeforeAll
  static void setUp() {
    client = RealCluster.adminClient();
    RealCluster.installCrd(client);
    ns = RealCluster.createNamespace(client, "semantics", Map.of());
  }

  @AfterEach
  void stopOperator() throws Exception {
    if (app != null) {
      client.resources(ProcService.class).inNamespace(ns).delete();
      await("ProcServices deleted (finalizer removed by the operator)").atMost(Duration.ofSeconds(60))
          .until(() -> client.resources(ProcService.class).inNamespace(ns).list().getItems().isEmpty());
      app.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.namespaces().withName(ns).delete();
      client.close();
    }
  }

  static ProcService service(String name, int probePort) {
    ProcService ps = new ProcService();
    ps.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Process);
    spec.setStopGracePeriodSeconds(2);
    ProcessSpec server = new ProcessSpec();
    server.setName("server");
    server.setCommand(List.of("sleep", "600"));
    spec.setProcesses(List.of(server));
    ProbeSpec probe = new ProbeSpec();
    probe.setName("http");
    probe.setProcess("server");
    probe.setPeriodSeconds(1);
    probe.setFailureThreshold(2);
    HttpGetAction h = new HttpGetAction();
    h.setPath("/health");
    h.setPort(new IntOrString(probePort));
    probe.setHttpGet(h);
    spec.setProbes(List.of(probe));
    ps.setSpec(spec);
    return ps;
  }

  ServiceState state(String name) {
    ProcService ps = client.resources(ProcService.class).inNamespace(ns).withName(name).get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  @Test
  void generatedCrdIsAcceptedEstablishedAndServesItsPrinterColumns() {
    CustomResourceDefinition crd = RealCluster.installCrd(client);
    assertThat(crd.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("NamesAccepted=True"))
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Established=True"))
        .noneSatisfy(c -> assertThat(c.getType()).isEqualTo("NonStructuralSchema"));
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).containsExactly("psvc");
    // the server builds the Table from additionalPrinterColumns
    client.resource(service("columns", 1)).create();
    String table = RealCluster.run(Duration.ofSeconds(30), List.of(RealCluster.kubectl().toString(),
        "--kubeconfig", RealCluster.kubeconfig().toString(), "get", "psvc", "-n", ns, "-o", "wide"));
    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "STATE", "READY", "RESTARTS", "REASON", "AGE", "MESSAGE");
    client.resources(ProcService.class).inNamespace(ns).withName("columns").delete();
  }

  @Test
  void statusWritesWithAStaleResourceVersionConflictButTheOperatorsMergePatchesDoNot() {
    ProcService created = client.resource(service("stale", 1)).create();
    assertThat(created.getStatus()).as("create drops .status").isNull();
    var resource = client.resources(ProcService.class).inNamespace(ns).withName("stale");

    ProcService first = resource.get();
    first.setStatus(status(ServiceState.Starting, "ProbesPending"));
    ProcService written = resource.updateStatus(first);
    assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(first.getMetadata().getResourceVersion());
    assertThat(written.getMetadata().getGeneration()).as("a status write does not bump generation").isEqualTo(1L);

    // a PUT of /status carrying the old resourceVersion: 409 on a real API server (the mock accepts it)
    first.setStatus(status(ServiceState.Running, "AllProbesPassing"));
    assertThatThrownBy(() -> client.resource(first).updateStatus())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    // the operator's StatusWriter patches (a JSON patch setting /status, no resourceVersion) from a stale cached copy: applied
    ProcService staleCopy = client.resources(ProcService.class).inNamespace(ns).withName("stale").get();
    staleCopy.getMetadata().setResourceVersion(first.getMetadata().getResourceVersion());
    staleCopy.setStatus(null);
    assertThat(new StatusWriter(client).write(staleCopy, status(ServiceState.Degraded, "ProbeFailed"))).isTrue();
    ProcServiceStatus now = resource.get().getStatus();
    assertThat(now.getState()).isEqualTo(ServiceState.Degraded);
    assertThat(now.getReason()).isEqualTo("ProbeFailed");

    // and /status ignores spec, the main resource ignores status
    resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"state\":\"Failed\"},\"spec\":{\"suspend\":true}}");
    ProcService after = resource.get();
    assertThat(after.getStatus().getState()).isEqualTo(ServiceState.Degraded);
    assertThat(after.getSpec().getSuspend()).isTrue();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(2L);
    resource.delete();
  }

  static ProcServiceStatus status(ServiceState state, String reason) {
    ProcServiceStatus s = new ProcServiceStatus();
    s.setState(state);
    s.setReason(reason);
    s.setMessage(reason);
    return s;
  }

  @Test
  void theOperatorsInformersSurviveAnApiServerRestartAndA410() throws Exception {
    target = new SwitchableHttpTarget();
    OperatorConfig config = RealCluster.watching(OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of(Path.of("/bin/sleep").toRealPath().toString())), ns);
    app = OperatorApp.start(RealCluster.adminClient(), config);
    client.resource(service("survivor", target.port())).create();
    await("survivor Running").atMost(Duration.ofSeconds(60)).until(() -> state("survivor") == ServiceState.Running);

    String before = client.resources(ProcService.class).inNamespace(ns).list().getMetadata().getResourceVersion();
    // keep the global revision moving, so the restarted server's watch cache starts after `before`
    client.resource(service("bystander", target.port())).create();

    RealCluster.restartApiServer();

    // a watch from before the restart is now answered 410 Gone: the informers had to relist
    String watch = RealCluster.run(Duration.ofSeconds(30), List.of(RealCluster.kubectl().toString(),
        "--kubeconfig", RealCluster.kubeconfig().toString(), "get", "--raw",
        "/apis/hero.ourworld.tf/v1alpha1/namespaces/" + ns + "/procservices?watch=1&timeoutSeconds=2&resourceVersion=" + before));
    assertThat(watch).contains("\"type\":\"ERROR\"").contains("\"code\":410");

    // a change made after the restart reaches the operator through its re-established watch
    target.emptyReplies(true);
    await("survivor Degraded after the restart").atMost(Duration.ofSeconds(60))
        .until(() -> state("survivor") == ServiceState.Degraded);
    RealCluster.edit(client, ns, "survivor", p -> {
      p.getSpec().setSuspend(true);
      return p;
    });
    await("survivor Stopped (spec change seen after the restart)").atMost(Duration.ofSeconds(60))
        .until(() -> state("survivor") == ServiceState.Stopped);
    // and a resource created after the restart is picked up
    client.resource(service("newcomer", target.port())).create();
    await("newcomer reconciled").atMost(Duration.ofSeconds(60)).until(() -> state("newcomer") != null);
  }
}
