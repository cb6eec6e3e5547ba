package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.deploy.DeploymentAssertions.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.CrdDefinition;
import tf.ourworld.hero.procservice.model.ValidationPolicy;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.observability.OperatorMetrics;

/** deploy/ and the chart's static files: parse, agree with crds/ and with each other. */
class DeployManifestsTest {
  private static final Path ROOT = RbacAudit.projectRoot();
  private static final String CRD_FILE = "procservices.hero.ourworld.tf-v1.yml";
  private static final String REFRESH = "copy it: cp crds/" + CRD_FILE + " deploy/crds/ && cp crds/" + CRD_FILE
      + " helm/procservice-operator/crds/  (scripts/sync-crd-copies.sh does both)";

  @Test
  void crdCopiesAreByteIdenticalToTheGeneratedCrd() throws IOException {
    String generated = CrdDefinition.yaml();
    Path committed = ROOT.resolve(CrdDefinition.COMMITTED_PATH);
    String reference = Files.exists(committed) ? Files.readString(committed) : generated;
    assertThat(Files.readString(ROOT.resolve("deploy/crds").resolve(CRD_FILE)))
        .as("deploy/crds/%s differs from %s; %s", CRD_FILE, CrdDefinition.COMMITTED_PATH, REFRESH).isEqualTo(reference);
    assertThat(Files.readString(ROOT.resolve("helm/procservice-operator/crds").resolve(CRD_FILE)))
        .as("helm/procservice-operator/crds/%s differs from %s; %s", CRD_FILE, CrdDefinition.COMMITTED_PATH, REFRESH)
        .isEqualTo(reference);
  }

  @Test
  void chartPolicyIsTheDeployPolicy() throws IOException {
    assertThat(Files.readString(ROOT.resolve("helm/procservice-operator/templates/validating-admission-policy.yaml")))
        .as("the chart's ValidatingAdmissionPolicy must be a copy of %s (scripts/sync-crd-copies.sh)", ValidationPolicy.COMMITTED_PATH)
        .isEqualTo(Files.readString(ROOT.resolve(ValidationPolicy.COMMITTED_PATH)));
  }

  @Test
  void chartDashboardIsTheDeployDashboard() throws IOException {
    assertThat(Files.readString(ROOT.resolve("helm/procservice-operator/dashboards/procservice-operator.json")))
        .as("the chart's dashboard must be a copy of deploy/grafana-dashboard.json")
        .isEqualTo(Files.readString(ROOT.resolve("deploy/grafana-dashboard.json")));
  }

  @Test
  void deploymentIsRestrictedAndProbesTheOperatorsOwnHealth() {
    Manifests m = Manifests.load(ROOT.resolve("deploy/deployment.yaml"));
    JsonNode d = m.one("Deployment");
    DeploymentAssertions.assertOperatorDeployment(d);
    // Without leader election a single replica, never overlapping in a rollout.
    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(d.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
    String sa = Manifests.load(ROOT.resolve("deploy/serviceaccount.yaml")).one("ServiceAccount").path("metadata").path("name").asText();
    assertThat(d.path("spec").path("template").path("spec").path("serviceAccountName").asText()).isEqualTo(sa);
  }

  @Test
  void kustomizationListsExistingFilesAndEveryManifestParses() {
    JsonNode k = Manifests.load(ROOT.resolve("deploy/kustomization.yaml")).documents().get(0);
    assertThat(texts(k.path("resources"))).isNotEmpty().allSatisfy(r -> {
      Path file = ROOT.resolve("deploy").resolve(r);
      assertThat(file).exists();
      assertThat(Manifests.load(file).documents()).allSatisfy(doc -> {
        assertThat(doc.path("apiVersion").asText()).as("apiVersion in %s", r).isNotBlank();
        assertThat(doc.path("kind").asText()).as("kind in %s", r).isNotBlank();
        assertThat(doc.path("metadata").path("name").asText()).as("metadata.name in %s", r).isNotBlank();
      });
    });
    assertThat(texts(k.path("resources"))).contains("namespace.yaml", "crds/" + CRD_FILE, "validating-admission-policy.yaml", "serviceaccount.yaml",
        "rbac.yaml", "deployment.yaml");
    k.path("configMapGenerator").forEach(g -> texts(g.path("files"))
        .forEach(f -> assertThat(ROOT.resolve("deploy").resolve(f.substring(f.indexOf('=') + 1))).exists()));
  }

  @Test
  void rbacBindsTheServiceAccountTheDeploymentRunsAs() {
    Manifests rbac = Manifests.load(ROOT.resolve(RbacAudit.DEPLOY_RBAC));
    for (String kind : new String[] {"ClusterRoleBinding", "RoleBinding"}) {
      JsonNode subject = rbac.one(kind).path("subjects").get(0);
      assertThat(subject.path("name").asText()).isEqualTo("procservice-operator");
      assertThat(subject.path("namespace").asText()).isEqualTo("procservice-system");
    }
    assertThat(rbac.one("Role").path("metadata").path("namespace").asText()).isEqualTo("procservice-system");
  }

  /** Every metric a dashboard query names is one the operator exposes (JVM ones included). */
  @Test
  void dashboardQueriesOnlyNameExposedMetrics() throws IOException {
    JsonNode dash = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana-dashboard.json").toFile());
    assertThat(dash.path("uid").asText()).isEqualTo("procservice-operator");
    assertThat(dash.path("panels")).hasSizeGreaterThanOrEqualTo(6);

    OperatorMetrics metrics = new OperatorMetrics();
    metrics.serviceState("hero", "a", ServiceState.Running);
    metrics.probeResult("hero", "a", "rpc", "openRpc", false, 1000);
    metrics.restart("hero", "a", "server");
    metrics.reconcile("hero", "a", 1000, "success");
    Set<String> exposed = new LinkedHashSet<>();
    for (String line : metrics.scrape().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exposed.add(line.split("[{ ]")[0]);
      }
    }
    Pattern metric = Pattern.compile("\\b((?:procservice|jvm|process|system)_[a-z0-9_]+)\\b");
    Set<String> used = new LinkedHashSet<>();
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = metric.matcher(target.path("expr").asText());
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    assertThat(used).contains("procservice_state", "procservice_probe_total", "procservice_probe_last_duration_seconds",
        "procservice_restarts_total");
    assertThat(exposed).containsAll(used);
  }
}
