package tf.ourworld.hero.procservice.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import tf.ourworld.hero.procservice.cli.RunCommand;
import tf.ourworld.hero.procservice.model.CrdDefinition;

/**
 * docs/reference.md is generated from the CRD schema (itself generated from the model), so the
 * field reference cannot drift; docs/operator.md must document every flag of {@code run}.
 */
class ReferenceDocTest {
  static Path root() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  @Test
  void referenceIsGeneratedFromTheModel() throws IOException {
    Path doc = root().resolve("docs/reference.md");
    String generated = generate();
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(doc, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(doc, StandardCharsets.UTF_8))
        .as("docs/reference.md drifted from the model: run `mvn -pl operator test -Dtest=ReferenceDocTest -Ddocs.update=true`")
        .isEqualTo(generated);
  }

  @Test
  void everyRunFlagIsDocumented() throws IOException {
    String doc = Files.readString(root().resolve("docs/operator.md"), StandardCharsets.UTF_8);
    for (OptionSpec o : new CommandLine(new RunCommand()).getCommandSpec().options()) {
      assertThat(doc).as("docs/operator.md documents " + o.longestName()).contains("`" + o.longestName());
    }
  }

  @Test
  void everyLocalFlagAndConfigKeyIsDocumented() throws IOException {
    String doc = Files.readString(root().resolve("docs/local.md"), StandardCharsets.UTF_8);
    for (OptionSpec o : new CommandLine(new tf.ourworld.hero.procservice.cli.LocalCommand()).getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      assertThat(doc).as("docs/local.md documents " + o.longestName()).contains("`" + o.longestName());
    }
    for (java.lang.reflect.RecordComponent c : tf.ourworld.hero.procservice.local.LocalSettings.class.getRecordComponents()) {
      assertThat(doc).as("docs/local.md documents the config key " + c.getName()).contains(c.getName() + ":");
    }
  }

  static String generate() {
    JSONSchemaProps root = CrdDefinition.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    StringBuilder sb = new StringBuilder();
    sb.append("# ProcService reference\n\n")
        .append("`hero.ourworld.tf/v1alpha1`, kind `ProcService`, plural `procservices`, short name `psvc`, namespaced.\n")
        .append("Generated from the model by `ReferenceDocTest` (do not edit by hand). Defaults are applied by the\n")
        .append("API server (structural defaulting) and again by the operator. Cross-field rules are listed\n")
        .append("under each object: the API server enforces them through the ValidatingAdmissionPolicy beside the CRD\n")
        .append("(`deploy/validating-admission-policy.yaml`), when a spec is created or changed, and the operator\n")
        .append("enforces all of them itself too (status `Failed`, reason `InvalidSpec`).\n\n");
    section(sb, "spec", root.getProperties().get("spec"));
    section(sb, "status", root.getProperties().get("status"));
    return sb.toString();
  }

  static void section(StringBuilder sb, String path, JSONSchemaProps props) {
    sb.append("## `").append(path).append("`\n\n");
    if (props.getDescription() != null) {
      sb.append(props.getDescription()).append("\n\n");
    }
    var rules = CrdDefinition.rules().get(path);
    if (rules != null && !rules.isEmpty()) {
      sb.append("Rules:\n\n");
      rules.forEach(r -> sb.append("- ").append(r.getMessage()).append("\n"));
      sb.append("\n");
    }
    sb.append("| field | type | default | constraints | description |\n|---|---|---|---|---|\n");
    Map<String, JSONSchemaProps> fields = new TreeMap<>(props.getProperties());
    Map<String, JSONSchemaProps> nested = new TreeMap<>();
    for (Map.Entry<String, JSONSchemaProps> e : fields.entrySet()) {
      JSONSchemaProps f = e.getValue();
      String type = type(f);
      boolean required = props.getRequired() != null && props.getRequired().contains(e.getKey());
      sb.append("| `").append(e.getKey()).append("` | ").append(type).append(" | ")
          .append(f.getDefault() == null ? "" : "`" + f.getDefault().toString() + "`").append(" | ")
          .append(constraints(f, required)).append(" | ")
          .append(f.getDescription() == null ? "" : f.getDescription().replace("|", "\\|").replace("\n", " "))
          .append(" |\n");
      JSONSchemaProps obj = "array".equals(f.getType()) && f.getItems() != null ? f.getItems().getSchema() : f;
      if (obj != null && obj.getProperties() != null && !obj.getProperties().isEmpty()
          && !e.getKey().equals("selector") && !e.getKey().equals("conditions")) {
        nested.put(e.getKey() + ("array".equals(f.getType()) ? "[]" : ""), obj);
      }
    }
    sb.append("\n");
    nested.forEach((k, v) -> section(sb, path + "." + k, v));
  }

  static String type(JSONSchemaProps f) {
    if (Boolean.TRUE.equals(f.getXKubernetesIntOrString())) {
      return "int or string";
    }
    if ("array".equals(f.getType()) && f.getItems() != null && f.getItems().getSchema() != null) {
      JSONSchemaProps i = f.getItems().getSchema();
      return "array of " + (i.getProperties() != null && !i.getProperties().isEmpty() ? "object" : i.getType());
    }
    if (Boolean.TRUE.equals(f.getXKubernetesPreserveUnknownFields())) {
      return "any JSON";
    }
    return f.getType() == null ? "object" : f.getType();
  }

  static String constraints(JSONSchemaProps f, boolean required) {
    StringBuilder c = new StringBuilder(required ? "required" : "");
    if (f.getEnum() != null && !f.getEnum().isEmpty()) {
      c.append(c.length() > 0 ? "; " : "").append("one of ")
          .append(String.join(", ", f.getEnum().stream().map(n -> n.asText()).toList()));
    }
    if (f.getMinimum() != null) {
      c.append(c.length() > 0 ? "; " : "").append(">= ").append(f.getMinimum().longValue());
    }
    if (f.getMaximum() != null) {
      c.append(c.length() > 0 ? "; " : "").append("<= ").append(f.getMaximum().longValue());
    }
    if (f.getMaxItems() != null) {
      c.append(c.length() > 0 ? "; " : "").append("at most ").append(f.getMaxItems()).append(" items");
    }
    if (f.getMinItems() != null) {
      c.append(c.length() > 0 ? "; " : "").append("at least ").append(f.getMinItems()).append(" items");
    }
    if (f.getPattern() != null) {
      c.append(c.length() > 0 ? "; " : "").append("DNS label");
    }
    return c.toString();
  }
}
