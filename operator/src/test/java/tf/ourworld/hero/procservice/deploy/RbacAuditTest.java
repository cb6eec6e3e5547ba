package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit itself: it names what is missing, what is too much, and reads scopes right. */
class RbacAuditTest {
  private final Path rbac = RbacAudit.projectRoot().resolve(RbacAudit.DEPLOY_RBAC);

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
  void anAllowListEntryThatIsUsedAfterAllIsReported() {
    List<ApiRequest> calls = List.of(
        new ApiRequest("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/procservices.hero.ourworld.tf"));
    assertThatThrownBy(() -> RbacAudit.assertExact(rbac, calls, RbacAudit.NOT_EXERCISED.keySet()))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void theLeaseRoleOnlyCoversTheOperatorsNamespace() {
    RbacRules rules = RbacRules.load(rbac);
    assertThat(rules.allows(new ApiRequest("PATCH", "/apis/coordination.k8s.io/v1/namespaces/procservice-system/leases/lock")
        .access().orElseThrow())).isTrue();
    assertThat(rules.allows(new ApiRequest("PATCH", "/apis/coordination.k8s.io/v1/namespaces/hero/leases/lock")
        .access().orElseThrow())).isFalse();
  }

  @Test
  void theAllowListNamesRealGrants() {
    RbacRules rules = RbacRules.load(rbac);
    assertThat(rules.grants().stream().map(RbacAudit::unscoped)).containsAll(RbacAudit.NOT_EXERCISED.keySet());
    assertThat(RbacAudit.NOT_EXERCISED).allSatisfy((grant, why) -> assertThat(why).isNotBlank());
  }
}
