package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * Two operator replicas, each as deploy/'s ServiceAccount, elect a leader on a real Lease in
 * procservice-system (the Role of deploy/). The leader goes; the standby takes over within the lease
 * duration and acts, and the workload (a Pod runtime pod) is never restarted by the change of leader.
 */
@RealClusterTest
class LeaderElectionRealClusterIT {
  static final String LEASE_NS = "procservice-system";
  static final Duration LEASE = Duration.ofSeconds(6);
  static KubernetesClient admin;
  static String ns;
  @TempDir
  Path stateDir;
  final String lease = "procservice-test-lock-" + System.nanoTime() % 100000;
  KubernetesClient firstClient;
  KubernetesClient secondClient;
  OperatorApp first;
  OperatorApp second;
  ForbiddenLog forbidden;
  final PodHandlers handlers = new PodHandlers(8080);

  @BeforeAll
  static void setUp() {
    admin = RealCluster.adminClient();
    RealCluster.installCrd(admin);
    ns = RealCluster.createNamespace(admin, "leader", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
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
    RealCluster.deleteProcServices(admin, ns);
    for (OperatorApp a : new OperatorApp[] {first, second}) {
      if (a != null) {
        a.close();
      }
    }
    for (KubernetesClient c : new KubernetesClient[] {firstClient, secondClient}) {
      if (c != null) {
        c.close();
      }
    }
    handlers.close();
    admin.leases().inNamespace(LEASE_NS).withName(lease).delete();
    try (ForbiddenLog f = forbidden) {
      f.assertNone();
    }
  }

  OperatorApp replica(KubernetesClient c) {
    OperatorConfig config = RealCluster.watching(OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir), ns)
        .withLeaderElection(lease, LEASE_NS);
    return OperatorApp.builder(c, config).leaderElection(LEASE, Duration.ofSeconds(4), Duration.ofMillis(500), false).start();
  }

  String holder() {
    Lease l = admin.leases().inNamespace(LEASE_NS).withName(lease).get();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }

  ProcService get() {
    return admin.resources(ProcService.class).inNamespace(ns).withName("ha").get();
  }

  ServiceState state() {
    ProcService ps = get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  List<Pod> pods() {
    return admin.pods().inNamespace(ns).withLabel(ProcService.LABEL_PROCSERVICE, "ha").list().getItems();
  }

  @Test
  void standbyTakesOverWithinTheLeaseDurationWithoutRestartingTheWorkload() throws Exception {
    forbidden = new ForbiddenLog();
    firstClient = RealCluster.operatorClient(admin);
    secondClient = RealCluster.operatorClient(admin);
    first = replica(firstClient);
    await("first replica holds the Lease").atMost(Duration.ofSeconds(30)).until(() -> holder() != null);
    String leader = holder();
    second = replica(secondClient);

    ProcService ps = new ProcService();
    ps.setMetadata(new ObjectMetaBuilder().withName("ha").withNamespace(ns).build());
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Pod);
    spec.setStopGracePeriodSeconds(0);
    ProcessSpec web = new ProcessSpec();
    web.setName("web");
    web.setImage("example.org/web:1.0");
    web.setPorts(List.of(new PortSpec("http", 8080)));
    spec.setProcesses(List.of(web));
    ProbeSpec probe = new ProbeSpec();
    probe.setName("http");
    probe.setPeriodSeconds(1);
    HttpGetAction h = new HttpGetAction();
    h.setPath("/health");
    h.setPort(new IntOrString("http"));
    probe.setHttpGet(h);
    spec.setProbes(List.of(probe));
    ps.setSpec(spec);
    admin.resource(ps).create();
    Pod pod = await("the leader's pod Running with a loopback IP").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> pods().stream()
            .filter(p -> "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null)
            .findFirst().orElse(null), p -> p != null);
    handlers.serve(pod);
    await("ha Running").atMost(Duration.ofSeconds(60)).until(() -> state() == ServiceState.Running);

    long lost = System.nanoTime();
    first.close(); // the leader goes
    first = null;
    await("the standby holds the Lease within the lease duration").atMost(LEASE.plusSeconds(4))
        .pollInterval(Duration.ofMillis(100)).until(() -> holder() != null && !leader.equals(holder()));
    Duration takeover = Duration.ofNanos(System.nanoTime() - lost);
    assertThat(takeover).isLessThanOrEqualTo(LEASE.plusSeconds(4));

    // the new leader acts (a broken handler is noticed and the pod replaced)...
    await("still one pod, the same, Running, for a few probe periods under the new leader")
        .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> pods().size() == 1 && pods().get(0).getMetadata().getUid().equals(pod.getMetadata().getUid())
            && state() == ServiceState.Running);
    assertThat(get().getStatus().getRestarts()).as("no workload restarted by the change of leader").isZero();
    handlers.breakHandler(pod);
    await("the new leader notices the broken handler").atMost(Duration.ofSeconds(60))
        .until(() -> state() == ServiceState.Degraded || pods().stream()
            .anyMatch(p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid())));
  }
}
