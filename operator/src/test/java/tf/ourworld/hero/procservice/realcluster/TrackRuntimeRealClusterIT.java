package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * The Track runtime over a real Deployment: the ReplicaSet controller makes the pods, kwok runs them
 * on loopback IPs, the test serves their port. A failing pod is named in status; with Restart the
 * operator deletes only that pod and probes the replacement the ReplicaSet makes.
 */
@RealClusterTest
class TrackRuntimeRealClusterIT {
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
    ns = RealCluster.createNamespace(admin, "track", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.namespaces().withName(ns).delete();
      admin.close();
    }
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
    if (forbidden != null) {
      try (ForbiddenLog f = forbidden) {
        f.assertNone();
      }
    }
  }

  List<Pod> running() {
    return admin.pods().inNamespace(ns).withLabel("app", "shop").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null).toList();
  }

  ProcService get() {
    return admin.resources(ProcService.class).inNamespace(ns).withName("shop").get();
  }

  ServiceState state() {
    ProcService ps = get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  static Deployment deployment(String app, int replicas) {
    return new DeploymentBuilder().withNewMetadata().withName(app).withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", app).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(0L).addNewContainer().withName("shop").withImage("example.org/shop:1")
        .addNewPort().withName("http").withContainerPort(PORT).endPort().endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  static ProcServiceSpec trackSpec(String app) {
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Track);
    spec.setProcesses(null);
    spec.setSelector(new LabelSelector(null, Map.of("app", app)));
    ProbeSpec probe = new ProbeSpec();
    probe.setName("http");
    probe.setPeriodSeconds(1);
    probe.setFailureThreshold(2);
    HttpGetAction h = new HttpGetAction();
    h.setPath("/health");
    h.setPort(new IntOrString("http"));
    probe.setHttpGet(h);
    spec.setProbes(List.of(probe));
    return spec;
  }

  void startOperator() {
    forbidden = new ForbiddenLog();
    operatorClient = RealCluster.operatorClient(admin);
    app = OperatorApp.start(operatorClient, RealCluster.watching(
        OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir), ns));
  }

  /**
   * A Track service owns nothing a deletion could leave behind: it never gets a finalizer, and its
   * first status is its probes' verdict, so a fresh service costs one write (issue 16, goal 5).
   * Every change of the object is watched, none can slip by.
   */
  @Test
  void aFreshTrackServiceIsOneStatusWriteAndNoFinalizer() throws Exception {
    handlers.serveEveryPod(admin, ns, "app");
    admin.resource(deployment("lean", 1)).create();
    await("1 running pod").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> admin.pods().inNamespace(ns).withLabel("app", "lean").list().getItems().stream()
            .anyMatch(p -> p.getStatus() != null && p.getStatus().getPodIP() != null));
    startOperator();
    List<ProcService> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
    try (io.fabric8.kubernetes.client.Watch w = admin.resources(ProcService.class).inNamespace(ns).withName("lean")
        .watch(new io.fabric8.kubernetes.client.Watcher<>() {
          @Override
          public void eventReceived(Action action, ProcService resource) {
            if (action == Action.DELETED) {
              deleted.set(true);
            } else {
              seen.add(resource);
            }
          }

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
          }
        })) {
      ProcService ps = new ProcService();
      ps.setMetadata(new ObjectMetaBuilder().withName("lean").withNamespace(ns).build());
      ps.setSpec(trackSpec("lean"));
      admin.resource(ps).create();
      await("lean Running, as the watch saw it").atMost(Duration.ofSeconds(60)).until(() -> !seen.isEmpty()
          && seen.get(seen.size() - 1).getStatus() != null
          && seen.get(seen.size() - 1).getStatus().getState() == ServiceState.Running);

      assertThat(seen).as("every version of the object").allSatisfy(p ->
          assertThat(p.getMetadata().getFinalizers()).as("finalizers").isNullOrEmpty());
      assertThat(seen.stream().map(p -> p.getStatus() == null ? null : p.getStatus().getState()).toList())
          .as("the states written: none, then the verdict").containsExactly(null, ServiceState.Running);

      // no finalizer: deleted at once, and the operator stops probing its pod
      admin.resources(ProcService.class).inNamespace(ns).withName("lean").delete();
      await("lean gone").atMost(Duration.ofSeconds(30)).untilTrue(deleted);
      java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
      await("no probe of lean's pod for 3 periods after its deletion").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(30)).until(() -> {
            long n = handlers.requests();
            return n == last.getAndSet(n);
          });
    }
  }

  @Test
  void failingPodIsNamedAndOnlyItIsReplacedByItsReplicaSet() throws Exception {
    Deployment d = deployment("shop", 2);
    handlers.serveEveryPod(admin, ns, "app");
    admin.resource(d).create();
    List<Pod> pods = await("2 running pods of the Deployment").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(this::running, l -> l.size() == 2);

    startOperator();
    ProcService ps = new ProcService();
    ps.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace(ns).build());
    ProcServiceSpec spec = trackSpec("shop");
    RecoverySpec r = new RecoverySpec();
    r.setAction(RecoveryAction.Restart);
    BackoffSpec b = new BackoffSpec();
    b.setInitialSeconds(1);
    b.setMaxSeconds(2);
    r.setBackoff(b);
    spec.setRecovery(r);
    ps.setSpec(spec);
    admin.resource(ps).create();
    await("shop Running 2/2").atMost(Duration.ofSeconds(60)).until(() -> state() == ServiceState.Running
        && "2/2".equals(get().getStatus().getProbesReady()));

    Pod bad = pods.get(0);
    Pod good = pods.get(1);
    handlers.breakHandler(bad);
    // named in status and in the Restarting Event (the first restart is immediate, so Degraded may
    // last only a moment: the Event stays)
    await("the failing pod named in a Restarting Event").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> admin.v1().events().inNamespace(ns).list().getItems().stream()
            .anyMatch(e -> "Restarting".equals(e.getReason()) && e.getMessage() != null
                && e.getMessage().contains(bad.getMetadata().getName())));

    // the operator deletes the failing pod; the ReplicaSet controller makes a new one
    Set<String> before = Set.of(bad.getMetadata().getUid(), good.getMetadata().getUid());
    Pod replacement = await("a replacement pod from the ReplicaSet").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50)).until(() -> running().stream()
            .filter(p -> !before.contains(p.getMetadata().getUid())).findFirst().orElse(null), p -> p != null);
    // served from the moment it has an IP, healthy even if kwok gave it the bad pod's freed IP
    await("shop Running again, probing the replacement").atMost(Duration.ofSeconds(60))
        .until(() -> state() == ServiceState.Running && "2/2".equals(get().getStatus().getProbesReady()));
    Set<String> now = running().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    assertThat(now).as("only the failing pod was replaced").contains(good.getMetadata().getUid())
        .doesNotContain(bad.getMetadata().getUid()).hasSize(2);
    assertThat(get().getStatus().getPods()).extracting(p -> p.getName())
        .contains(good.getMetadata().getName()).doesNotContain(bad.getMetadata().getName()).hasSize(2);
  }
}
