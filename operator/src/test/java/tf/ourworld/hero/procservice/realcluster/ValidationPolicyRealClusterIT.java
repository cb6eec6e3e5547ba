package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ValidationPolicy;

/**
 * The spec rules' ValidatingAdmissionPolicy on a real API server: it judges a spec when it is
 * created or changed, never a status write, and never a write that leaves the spec as it was (an
 * object stored before a rule existed keeps its labels, finalizers and status writable, and can be
 * deleted, as a CRD's ratcheting would allow).
 */
@RealClusterTest
class ValidationPolicyRealClusterIT {
  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void setUp() {
    client = RealCluster.adminClient();
    RealCluster.installCrd(client);
    ns = RealCluster.createNamespace(client, "policy", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      RealCluster.installPolicy(client);
      if (ns != null) {
        // a failed run must not leave the namespace held by the test's finalizer
        if (named("stored-before").get() != null) {
          named("stored-before").edit(r -> {
            r.getMetadata().setFinalizers(List.of());
            return r;
          });
        }
        client.namespaces().withName(ns).delete();
      }
      client.close();
    }
  }

  static GenericKubernetesResource service(String name, Map<String, Object> spec) {
    return RealCluster.procService(ns, name, spec);
  }


  static Resource<GenericKubernetesResource> named(String name) {
    return client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService")
        .inNamespace(ns).withName(name);
  }

  static final Map<String, Object> VALID = Map.of("runtime", "Track", "selector", Map.of("matchLabels", Map.of("app", "x")),
      "probes", List.of(Map.of("name", "t", "tcpSocket", Map.of("port", 80))));
  /** Valid for the CRD's schema; the policy refuses it (two probes named t). */
  static final Map<String, Object> DUPLICATE_PROBES = Map.of("runtime", "Track", "selector", Map.of("matchLabels", Map.of("app", "x")),
      "probes", List.of(Map.of("name", "t", "tcpSocket", Map.of("port", 80)), Map.of("name", "t", "tcpSocket", Map.of("port", 81))));

  @Test
  void aSpecChangedToBreakARuleIsRefusedAndStatusWritesAreNotJudged() {
    client.resource(service("valid", VALID)).create();
    assertThatThrownBy(() -> named("valid").edit(r -> {
      r.setAdditionalProperty("spec", DUPLICATE_PROBES);
      return r;
    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(422);
      assertThat(e.getMessage()).contains("spec: probe names must be unique");
    });
    GenericKubernetesResource withStatus = named("valid").get();
    withStatus.setAdditionalProperty("status", Map.of("state", "Running", "reason", "AllProbesPassing"));
    named("valid").updateStatus(withStatus);
    assertThat(named("valid").get().getAdditionalProperties().get("status")).asString().contains("AllProbesPassing");
  }

  @Test
  void anObjectStoredBeforeARuleKeepsItsMetadataStatusAndDeletionButNotABrokenSpecChange() {
    // stored while the binding is away: what an object written before an upgrade added a rule looks like
    client.resource(ValidationPolicy.binding()).delete();
    await("binding gone, the rule no longer enforced").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          try {
            client.resource(service("stored-before", DUPLICATE_PROBES)).dryRun().create();
            return true;
          } catch (KubernetesClientException e) {
            return false;
          }
        });
    client.resource(service("stored-before", DUPLICATE_PROBES)).create();
    RealCluster.installPolicy(client);

    named("stored-before").edit(r -> {
      r.getMetadata().setLabels(Map.of("team", "a"));
      r.getMetadata().setFinalizers(List.of("example.org/hold"));
      return r;
    });
    GenericKubernetesResource stored = named("stored-before").get();
    stored.setAdditionalProperty("status", Map.of("state", "Failed", "reason", "InvalidSpec"));
    named("stored-before").updateStatus(stored);
    assertThatThrownBy(() -> named("stored-before").edit(r -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = new java.util.HashMap<>((Map<String, Object>) r.getAdditionalProperties().get("spec"));
      spec.put("stopGracePeriodSeconds", 5);
      r.setAdditionalProperty("spec", spec);
      return r;
    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage()).contains("probe names must be unique"));

    named("stored-before").edit(r -> {
      r.getMetadata().setFinalizers(List.of());
      return r;
    });
    named("stored-before").delete();
    await("stored-before deleted").atMost(Duration.ofSeconds(30)).until(() -> named("stored-before").get() == null);
    assertThat(client.resources(ValidatingAdmissionPolicyBinding.class).withName(ValidationPolicy.NAME).get()).isNotNull();
  }
}
