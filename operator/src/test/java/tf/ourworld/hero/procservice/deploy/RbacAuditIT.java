package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.observability.EventReason;
import tf.ourworld.hero.procservice.observability.EventRecorder;

/**
 * The shipped RBAC (deploy/rbac.yaml) against the API requests the operator's calls make, recorded
 * by the mock server, both ways. OperatorObservabilityIT checks the whole operator's recorded
 * requests are allowed; this one drives, through the same client and EventRecorder, the calls of
 * the parts that IT does not reach (the Pod runtime's pods, a repeated Event's patch), so that
 * every grant is shown to be used.
 */
@EnableKubernetesMockClient(crud = true)
class RbacAuditIT {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private final Path rbac = RbacAudit.projectRoot().resolve(RbacAudit.DEPLOY_RBAC);

  @BeforeEach
  void forgetEarlierRequests() {
    ApiRequestRecorder.drain(server);
  }

  /** The calls the operator makes, through the same fabric8 client. */
  private List<ApiRequest> operatorCalls() throws Exception {
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName("hero-foundry").withNamespace("hero").build());
    ProcService svc = client.resource(p).create();
    ApiRequestRecorder.drain(server); // the test's own setup is not the operator's

    SharedIndexInformer<ProcService> services = client.resources(ProcService.class).inAnyNamespace().inform();
    SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace()
        .withLabel(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME).inform();

    try {
      org.awaitility.Awaitility.await().until(() -> services.hasSynced() && pods.hasSynced());
      client.resources(ProcService.class).inNamespace("hero").withName("hero-foundry").get();
      // Finalizer and status: patches only, as JOSDK and the StatusWriter send them.
      client.resources(ProcService.class).inNamespace("hero").withName("hero-foundry").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"finalizers\":[\"" + ProcService.FINALIZER + "\"]}}");
      ProcServiceStatus status = new ProcServiceStatus();
      status.setState(ServiceState.Running);
      ProcService current = client.resources(ProcService.class).inNamespace("hero").withName("hero-foundry").get();
      current.setStatus(status);
      client.resource(current).patchStatus();
      // Pod runtime: create the pod, restart = delete + create.
      Pod pod = new PodBuilder().withNewMetadata().withName("hero-foundry").withNamespace("hero")
          .addToLabels(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME).endMetadata()
          .withNewSpec().addNewContainer().withName("server").withImage("example.org/hero_foundry:1.4").endContainer().endSpec()
          .build();
      client.resource(pod).create();
      client.pods().inNamespace("hero").withName("hero-foundry").get();
      client.pods().inNamespace("hero").withName("hero-foundry").withTimeout(5, TimeUnit.SECONDS).delete();
      // Events, created then bumped.
      try (EventRecorder events = new EventRecorder(client)) {
        events.record(svc, EventReason.ProbeFailed, "Probe ui failed 3 times: empty reply");
        events.record(svc, EventReason.ProbeFailed, "Probe ui failed 3 times: empty reply");
        assertThat(events.flush(Duration.ofSeconds(10))).isTrue();
      }
    } finally {
      services.close();
      pods.close();
    }
    return ApiRequestRecorder.drain(server);
  }

  @Test
  void shippedRbacAllowsExactlyWhatTheOperatorCalls() throws Exception {
    List<ApiRequest> calls = operatorCalls();
    assertThat(calls).isNotEmpty();
    RbacAudit.assertExact(rbac, calls, RbacAudit.NOT_EXERCISED.keySet());
  }

  @Test
  void aMissingGrantNamesTheRequest(@TempDir Path tmp) throws IOException {
    Path narrow = tmp.resolve("rbac.yaml");
    Files.writeString(narrow, Files.readString(rbac).replace("verbs: [\"create\", \"patch\"]", "verbs: [\"create\"]"));
    List<ApiRequest> calls = List.of(new ApiRequest("PATCH", "/api/v1/namespaces/hero/events/hero-foundry.18a"));

    assertThatThrownBy(() -> RbacAudit.assertCovers(narrow, calls))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("patch events in hero")
        .hasMessageContaining("PATCH /api/v1/namespaces/hero/events/hero-foundry.18a");
  }

  @Test
  void anUnusedGrantIsReported(@TempDir Path tmp) throws IOException {
    Path wide = tmp.resolve("rbac.yaml");
    Files.writeString(wide, Files.readString(rbac).replace("verbs: [\"create\", \"patch\"]", "verbs: [\"create\", \"patch\", \"list\"]"));
    List<ApiRequest> calls = List.of(new ApiRequest("POST", "/api/v1/namespaces/hero/events"));

    assertThatThrownBy(() -> RbacAudit.assertExact(wide, calls, RbacAudit.NOT_EXERCISED.keySet()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("list events (ClusterRole)");
  }

  @Test
  void theLeaseRoleOnlyCoversTheOperatorsNamespace() {
    RbacRules rules = RbacRules.load(rbac);
    assertThat(rules.allows(new ApiRequest("PUT", "/apis/coordination.k8s.io/v1/namespaces/procservice-system/leases/lock")
        .access().orElseThrow())).isTrue();
    assertThat(rules.allows(new ApiRequest("PUT", "/apis/coordination.k8s.io/v1/namespaces/hero/leases/lock")
        .access().orElseThrow())).isFalse();
  }

  @Test
  void theAllowListNamesRealGrants() {
    RbacRules rules = RbacRules.load(rbac);
    assertThat(rules.grants().stream().map(RbacAudit::unscoped)).containsAll(RbacAudit.NOT_EXERCISED.keySet());
    assertThat(RbacAudit.NOT_EXERCISED).allSatisfy((grant, why) -> assertThat(why).isNotBlank());
  }

}
