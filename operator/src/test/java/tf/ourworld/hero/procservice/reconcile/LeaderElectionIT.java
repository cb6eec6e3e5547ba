package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.SwitchableHttpTarget;

/**
 * Two replicas with leader election on a Lease: only the leader acts; when it goes, the standby
 * takes over within the lease duration and adopts the running process instead of restarting it.
 */
class LeaderElectionIT {
  static final String NS = "default";
  @TempDir
  Path stateDir;
  MockApi api = new MockApi();
  KubernetesClient client = api.client();
  OperatorApp first;
  OperatorApp second;
  SwitchableHttpTarget target;

  @AfterEach
  void stop() throws Exception {
    client.resources(ProcService.class).inNamespace(NS).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(ProcService.class).inNamespace(NS).list()
        .getItems().isEmpty());
    if (second != null) {
      second.close();
    }
    api.close();
    target.close();
  }

  OperatorApp replica(KubernetesClient c) throws Exception {
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of(Path.of("/bin/sleep").toRealPath().toString()))
        .withLeaderElection("procservice-test-lock", NS);
    return OperatorApp.builder(c, config)
        .leaderElection(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500), false)
        .start();
  }

  @Test
  void standbyTakesOverWithoutRestartingHealthyProcesses() throws Exception {
    target = new SwitchableHttpTarget();
    KubernetesClient secondClient = api.operatorClient();
    first = replica(client);
    await().atMost(Duration.ofSeconds(20)).until(() -> client.leases().inNamespace(NS)
        .withName("procservice-test-lock").get() != null);
    second = replica(secondClient);

    // report only (Warn): nothing may restart it
    ProcService ps = ProcServiceFixture.named("ha").in(NS).process("server", "sleep", "600")
        .httpProbe("http", "server", target.port(), "/").every(1, ProbeSpec.DEFAULT_FAILURE_THRESHOLD)
        .recovery(RecoveryAction.Warn).build();
    client.resource(ps).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state() == ServiceState.Running);
    String holder = client.leases().inNamespace(NS).withName("procservice-test-lock").get().getSpec().getHolderIdentity();
    long pid = get().getStatus().getProcesses().get(0).getPid();
    long writes = api.statusWrites("ha");

    first.close(); // the leader goes away (its processes keep running, as after a crash)
    await().atMost(Duration.ofSeconds(30)).until(() -> !holder.equals(
        client.leases().inNamespace(NS).withName("procservice-test-lock").get().getSpec().getHolderIdentity()));
    // the new leader probes and acts: a failing handler is noticed...
    target.emptyReplies(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> state() == ServiceState.Degraded);
    target.emptyReplies(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> state() == ServiceState.Running);
    // ...but the healthy process it adopted was never restarted
    assertThat(get().getStatus().getProcesses().get(0).getPid()).isEqualTo(pid);
    assertThat(get().getStatus().getRestarts()).isZero();
    assertThat(api.statusWrites("ha")).isGreaterThan(writes);
  }

  ProcService get() {
    return client.resources(ProcService.class).inNamespace(NS).withName("ha").get();
  }

  ServiceState state() {
    ProcService ps = get();
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }
}
