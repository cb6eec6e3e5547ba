package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tf.ourworld.hero.procservice.deploy.DeploymentAssertions.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.CrdDefinition;
import tf.ourworld.hero.procservice.model.ValidationPolicy;

/**
 * The chart as {@code helm template} renders it, and deploy/ as {@code kubectl kustomize} does
 * (scripts/helm-check.sh renders them into the folder
 * given as {@code -Dprocservice.helm.rendered}, and runs this test; without it there is nothing
 * to check and the test is skipped).
 */
class RenderedChartTest {
  private static final Path ROOT = RbacAudit.projectRoot();
  private static Path dir;

  @BeforeAll
  static void rendered() {
    String p = System.getProperty("procservice.helm.rendered");
    assumeTrue(p != null && !p.isBlank(), "run scripts/helm-check.sh to render the chart first");
    dir = Path.of(p);
  }

  private static Manifests load(String name) {
    Path file = dir.resolve(name);
    assertThat(file).as("rendered by scripts/helm-check.sh").exists();
    return Manifests.load(file);
  }

  @Test
  void everyRenderedDocumentIsAKubernetesObject() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Manifests m = Manifests.load(f);
        assertThat(m.documents()).as("documents in %s", f).isNotEmpty();
        for (JsonNode d : m.documents()) {
          assertThat(d.path("apiVersion").asText()).as("apiVersion in %s", f).isNotBlank();
          assertThat(d.path("kind").asText()).as("kind in %s", f).isNotBlank();
          assertThat(d.path("metadata").path("name").asText()).as("metadata.name of a %s in %s", d.path("kind"), f)
              .isNotBlank();
          // The typed model catches wrong shapes (a string where a list belongs, ...).
          Object typed = Serialization.unmarshal(Manifests.YAML.writeValueAsString(d), KubernetesResource.class);
          assertThat(typed).isNotNull();
        }
      }
    }
  }

  @Test
  void defaultsAreOneReplicaWithoutLeaderElection() {
    Manifests m = load("default.yaml");
    JsonNode d = m.one("Deployment");
    DeploymentAssertions.assertOperatorDeployment(d);
    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(d.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
    assertThat(texts(container(d).path("args"))).noneMatch(a -> a.startsWith("--leader-election"))
        .noneMatch(a -> a.startsWith("--namespaces")).noneMatch(a -> a.startsWith("--selector"));
    assertThat(d.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(container(d).path("ports").get(0).path("containerPort").asText());
    assertThat(m.find("ServiceMonitor")).isEmpty();
    assertThat(m.find("ConfigMap")).isEmpty();
  }

  @Test
  void moreReplicasElectALeaderAndOptionsReachTheArgs() throws Exception {
    Manifests m = load("full.yaml");
    JsonNode d = m.one("Deployment");
    DeploymentAssertions.assertOperatorDeployment(d);
    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(d.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
    assertThat(texts(container(d).path("args"))).contains("--leader-election", "--namespaces=hero,tools",
        "--selector=hero.ourworld.tf/host=node-1");
    assertThat(container(d).path("image").asText()).isEqualTo("registry.example.org/hero/procservice-operator:0.1.0");

    JsonNode sm = m.one("ServiceMonitor");
    assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/metrics");
    assertThat(sm.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(d.path("spec").path("selector").path("matchLabels"));

    JsonNode cm = m.one("ConfigMap");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(cm.path("data").path("procservice-operator.json").asText()))
        .isEqualTo(json.readTree(ROOT.resolve("deploy/grafana-dashboard.json").toFile()));
  }

  @Test
  void rbacGrantsExactlyWhatDeployRbacGrants() {
    for (String file : List.of("default.yaml", "full.yaml")) {
      assertThat(grants(RbacRules.load(dir.resolve(file))))
          .as("RBAC rendered from the chart (%s) vs %s", file, RbacAudit.DEPLOY_RBAC)
          .isEqualTo(grants(RbacRules.load(ROOT.resolve(RbacAudit.DEPLOY_RBAC))));
    }
  }

  @Test
  void kustomizeRendersTheSameObjectsAsTheManifests() {
    Manifests k = load("kustomize.yaml");
    for (String kind : List.of("Namespace", "CustomResourceDefinition", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
        "Deployment", "Service", "ConfigMap")) {
      assertThat(k.all(kind)).as("%s rendered by kubectl kustomize deploy/", kind).hasSize(1);
    }
    DeploymentAssertions.assertOperatorDeployment(k.one("Deployment"));
    assertThat(k.one("ConfigMap").path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
    assertThat(grants(RbacRules.load(dir.resolve("kustomize.yaml"))))
        .isEqualTo(grants(RbacRules.load(ROOT.resolve(RbacAudit.DEPLOY_RBAC))));
  }

  @Test
  void renderedCrdIsTheProjectsCrd() {
    JsonNode crd = load("default.yaml").one("CustomResourceDefinition");
    CustomResourceDefinition rendered = Serialization.unmarshal(crd.toString(), CustomResourceDefinition.class);
    assertThat(rendered).isEqualTo(CrdDefinition.load());
  }

  @Test
  void renderedPolicyIsTheProjectsPolicy() {
    for (String file : List.of("default.yaml", "kustomize.yaml")) {
      Manifests m = load(file);
      assertThat(Serialization.unmarshal(m.one("ValidatingAdmissionPolicy").toString(), ValidatingAdmissionPolicy.class))
          .as("ValidatingAdmissionPolicy in %s", file).isEqualTo(ValidationPolicy.policy());
      assertThat(Serialization.unmarshal(m.one("ValidatingAdmissionPolicyBinding").toString(), ValidatingAdmissionPolicyBinding.class))
          .as("ValidatingAdmissionPolicyBinding in %s", file).isEqualTo(ValidationPolicy.binding());
    }
  }

  private static JsonNode container(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers").get(0);
  }

  /** Grants with the scope reduced to cluster vs namespaced, since the namespaces differ by release. */
  private static Set<String> grants(RbacRules rules) {
    return rules.grants().stream()
        .map(g -> RbacAudit.unscoped(g) + (g.namespace() == null ? " cluster" : " namespaced"))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
