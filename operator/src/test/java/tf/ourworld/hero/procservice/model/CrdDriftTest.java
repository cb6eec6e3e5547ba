package tf.ourworld.hero.procservice.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRD must be what the build generates from the model. */
class CrdDriftTest {
  static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  @Test
  void committedCrdMatchesGenerated() throws IOException {
    assertCommittedIsGenerated(CrdDefinition.COMMITTED_PATH, CrdDefinition.yaml());
  }

  /** The committed file is the generated text; -Dcrd.update=true writes it first. */
  private static void assertCommittedIsGenerated(String path, String generated) throws IOException {
    Path committed = projectRoot().resolve(path);
    if (Boolean.getBoolean("crd.update")) {
      Files.writeString(committed, generated, StandardCharsets.UTF_8);
    }
    assertThat(committed).exists();
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("%s drifted from the model: run `mvn -pl operator test -Dtest=CrdDriftTest -Dcrd.update=true` and commit it", path)
        .isEqualTo(generated);
  }

  @Test
  void crdCarriesNamesColumnsAndStatusSubresource() {
    CustomResourceDefinition crd = CrdDefinition.load();
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("psvc");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getSubresources().getStatus()).isNotNull();
    List<CustomResourceColumnDefinition> cols = v.getAdditionalPrinterColumns();
    assertThat(cols).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("State", "Ready", "Restarts", "Reason", "Age", "Message");
    assertThat(cols.get(5).getPriority()).isEqualTo(1);
    assertThat(cols.get(1).getJsonPath()).isEqualTo(".status.probesReady");
  }

  @Test
  void committedPolicyMatchesGenerated() throws IOException {
    assertCommittedIsGenerated(ValidationPolicy.COMMITTED_PATH, ValidationPolicy.yaml());
  }

  @Test
  void theCrdCarriesTheSchemaAndNoRuleTheRulesAreThePolicys() {
    JSONSchemaProps root = CrdDefinition.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    java.util.Map<String, List<io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule>> left = new java.util.LinkedHashMap<>();
    CrdDefinition.collectRules("", root, left, false);
    assertThat(left).as("rules left in the CRD run on every status write").isEmpty();

    var rules = CrdDefinition.rules();
    assertThat(rules.get("spec")).extracting(r -> r.getMessage())
        .contains("selector is required for runtime Track", "processes must be empty for runtime Track",
            "image is required for every process of runtime Pod",
            "command is required for every process of runtime Process", "process names must be unique",
            "probe names must be unique", "probe.process must name a process of spec.processes",
            "recovery.escalateAfterSeconds only applies with recovery.action Restart");
    assertThat(rules.get("spec.probes[]")).extracting(r -> r.getMessage())
        .containsExactly("exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set",
            "expect.cel only applies to httpGet and openRpc probes",
            "failureWindow.failures cannot fail within failureWindow.seconds at periodSeconds");
    assertThat(rules).containsKeys("spec.probes[].httpGet.port", "spec.probes[].tcpSocket.port",
        "spec.probes[].grpc.port", "spec.probes[].openRpc.port");
    int count = rules.values().stream().mapToInt(List::size).sum();
    assertThat(ValidationPolicy.policy().getSpec().getValidations()).hasSize(count)
        .allSatisfy(v -> assertThat(v.getExpression()).doesNotContain("self").startsWith("!has(object.spec) || ("));

    JSONSchemaProps spec = root.getProperties().get("spec");
    JSONSchemaProps probe = spec.getProperties().get("probes").getItems().getSchema();
    assertThat(probe.getProperties().get("periodSeconds").getMinimum()).isEqualTo(1.0);
    assertThat(probe.getProperties().get("failureThreshold").getMinimum()).isEqualTo(1.0);
    assertThat(probe.getProperties().get("successThreshold").getMinimum()).isEqualTo(1.0);
    assertThat(probe.getProperties().get("name").getPattern()).isEqualTo(ProcessSpec.DNS_LABEL);
    assertThat(spec.getProperties().get("processes").getMaxItems()).isEqualTo(16L);
    assertThat(spec.getProperties().get("runtime").getEnum()).hasSize(3);
  }

  @Test
  void aRuleBecomesAnExpressionOverTheObjectHoldingForEveryItemOnTheWay() {
    assertThat(ValidationPolicy.expression("spec", "self.runtime != 'Track' || has(self.selector)"))
        .isEqualTo("!has(object.spec) || (object.spec.runtime != 'Track' || has(object.spec.selector))");
    assertThat(ValidationPolicy.expression("spec.probes[].httpGet.port", "type(self) == string || self >= 1"))
        .isEqualTo("!has(object.spec) || (!has(object.spec.probes) || object.spec.probes.all(item1, "
            + "!has(item1.httpGet) || (!has(item1.httpGet.port) || (type(item1.httpGet.port) == string || item1.httpGet.port >= 1))))");
    // "self" inside a longer name is not the rule's self
    assertThat(ValidationPolicy.expression("spec", "has(self.selfHeal) || myself == 1"))
        .isEqualTo("!has(object.spec) || (has(object.spec.selfHeal) || myself == 1)");
  }

  @Test
  void everyIntegerHasAFormatAndBounds() {
    JSONSchemaProps root = CrdDefinition.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    List<String> integers = new java.util.ArrayList<>();
    visitIntegers("", root, integers);
    assertThat(integers).hasSizeGreaterThan(20).allSatisfy(line -> assertThat(line)
        .matches(".*observedGeneration format=int64 .*|.* format=int32 min=-?[0-9.E]+ max=[0-9.E]+"));
    assertThat(integers).contains(".spec.probes[].timeoutSeconds format=int32 min=1.0 max=3600.0",
        ".spec.probes[].openRpc.acceptErrorCodes[] format=int32 min=-2.147483648E9 max=2.147483647E9",
        ".spec.stopGracePeriodSeconds format=int32 min=0.0 max=86400.0");
    // int-or-string ports: a plain structural anyOf (a real API server refuses anything more); their
    // bounds are a rule of the policy
    JSONSchemaProps port = root.getProperties().get("spec").getProperties().get("probes").getItems().getSchema()
        .getProperties().get("tcpSocket").getProperties().get("port");
    assertThat(port.getAnyOf()).extracting(JSONSchemaProps::getType).containsExactly("integer", "string");
    assertThat(port.getAnyOf()).allSatisfy(a -> assertThat(a.getMaximum()).isNull());
    assertThat(CrdDefinition.rules().get("spec.probes[].tcpSocket.port")).singleElement()
        .satisfies(r -> assertThat(r.getRule()).isEqualTo("type(self) == string || (self >= 1 && self <= 65535)"));
  }

  private static void visitIntegers(String at, JSONSchemaProps p, List<String> out) {
    if (p == null) {
      return;
    }
    if ("integer".equals(p.getType())) {
      out.add(at + " format=" + p.getFormat() + " min=" + p.getMinimum() + " max=" + p.getMaximum());
    }
    if (p.getProperties() != null) {
      p.getProperties().forEach((k, v) -> visitIntegers(at + "." + k, v, out));
    }
    if (p.getItems() != null) {
      visitIntegers(at + "[]", p.getItems().getSchema(), out);
    }
    if (p.getAnyOf() != null && !Boolean.TRUE.equals(p.getXKubernetesIntOrString())) {
      p.getAnyOf().forEach(a -> visitIntegers(at, a, out));
    }
  }
}
