package tf.ourworld.hero.procservice.model;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ProcService CRD as shipped: generated from the model by fabric8's CRD generator, with the
 * printer columns put in the order kubectl should show them (the generator sorts them by name).
 *
 * <p>The model's cross-field rules ({@code @ValidationRule}, and the ports' bounds added here) are
 * taken out of the CRD and shipped as a ValidatingAdmissionPolicy instead ({@link ValidationPolicy}):
 * an API server evaluates a CRD's {@code x-kubernetes-validations} on every write of the object, its
 * status writes included, where nothing they check can change. {@link #rules()} gives them, by the
 * schema path they were written at.
 */
public final class CrdDefinition {
  /** Where the build writes the generated CRD on the classpath. */
  public static final String GENERATED_RESOURCE = "/META-INF/fabric8/" + ProcService.CRD_NAME + "-v1.yml";
  /** The committed file, relative to the project root. */
  public static final String COMMITTED_PATH = "crds/" + ProcService.CRD_NAME + "-v1.yml";
  /** Column order: STATE, READY, RESTARTS, REASON, AGE, then MESSAGE (priority 1). */
  public static final List<String> COLUMN_ORDER = List.of("State", "Ready", "Restarts", "Reason", "Age", "Message");

  private CrdDefinition() {
  }

  /** The CRD as an object. */
  public static CustomResourceDefinition load() {
    return Serialization.unmarshal(yaml(), CustomResourceDefinition.class);
  }

  /** The CRD as YAML text, exactly as committed in crds/: without the rules. */
  public static String yaml() {
    CustomResourceDefinition crd = withRules();
    crd.getSpec().getVersions().forEach(v -> {
      if (v.getSchema() != null) {
        collectRules("", v.getSchema().getOpenAPIV3Schema(), new LinkedHashMap<>(), true);
      }
    });
    return "# Generated from the ProcService model (operator/src/main/java/.../model) by fabric8's CRD generator,\n"
        + "# columns ordered by CrdDefinition. Do not edit: run `mvn -pl operator process-classes` and the\n"
        + "# CrdDriftTest tells how to refresh this file. The model's cross-field rules are in\n"
        + "# " + ValidationPolicy.COMMITTED_PATH + " (ValidationPolicy says why).\n"
        + plainNumbers(Serialization.asYaml(crd));
  }

  /**
   * The model's rules by the schema path they apply to ({@code spec}, {@code spec.probes[]},
   * {@code spec.probes[].httpGet.port}), in schema order.
   */
  public static Map<String, List<ValidationRule>> rules() {
    Map<String, List<ValidationRule>> rules = new LinkedHashMap<>();
    collectRules("", withRules().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), rules, false);
    return rules;
  }

  /** The generator's CRD, columns ordered and integers bounded, rules still in. */
  static CustomResourceDefinition withRules() {
    try (InputStream in = CrdDefinition.class.getResourceAsStream(GENERATED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("CRD " + GENERATED_RESOURCE + " missing from the classpath: run mvn process-classes");
      }
      return reorderColumns(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the rules under p to rules (path: dotted, "[]" for a list's items); strip: removes them. */
  static void collectRules(String path, JSONSchemaProps p, Map<String, List<ValidationRule>> rules, boolean strip) {
    if (p == null) {
      return;
    }
    if (p.getXKubernetesValidations() != null && !p.getXKubernetesValidations().isEmpty()) {
      rules.put(path, List.copyOf(p.getXKubernetesValidations()));
      if (strip) {
        p.setXKubernetesValidations(null);
      }
    }
    if (p.getProperties() != null) {
      p.getProperties().forEach((name, child) -> collectRules(path.isEmpty() ? name : path + "." + name, child, rules, strip));
    }
    if (p.getItems() != null) {
      collectRules(path + "[]", p.getItems().getSchema(), rules, strip);
    }
    if (p.getAdditionalProperties() != null) {
      collectRules(path + "{}", p.getAdditionalProperties().getSchema(), rules, strip);
    }
  }

  /**
   * Every integer gets a format (the generator writes none): int64 for generations (Kubernetes'
   * type), int32 for everything else, whose bounds come from @Max/@Min in the model. Integers the
   * model cannot annotate get their bounds here: the integer half of an int-or-string port, and the
   * items of a list of integers (JSON-RPC error codes are 32-bit).
   */
  static void formatIntegers(String name, JSONSchemaProps p) {
    if (p == null) {
      return;
    }
    if ("integer".equals(p.getType())) {
      if (name.equals("observedGeneration")) {
        p.setFormat("int64");
      } else {
        p.setFormat("int32");
        if (p.getMaximum() == null) {
          p.setMaximum((double) Integer.MAX_VALUE);
        }
        if (p.getMinimum() == null) {
          p.setMinimum((double) Integer.MIN_VALUE);
        }
      }
    }
    if (p.getProperties() != null) {
      p.getProperties().forEach(CrdDefinition::formatIntegers);
    }
    if (p.getItems() != null) {
      formatIntegers(name + "[]", p.getItems().getSchema());
    }
    if (p.getAnyOf() != null && Boolean.TRUE.equals(p.getXKubernetesIntOrString()) && name.equals("port")) {
      // The anyOf of an int-or-string must stay exactly [{type: integer}, {type: string}]: a real API
      // server refuses the whole CRD when a branch carries more ("must be empty to be structural").
      // So the port's bounds are a rule (ApiSemanticsRealClusterIT, Int32RealClusterIT).
      var rule = new ValidationRule();
      rule.setRule("type(self) == string || (self >= 1 && self <= " + Bounds.PORT + ")");
      rule.setMessage("port must be between 1 and " + Bounds.PORT + ", or a port name");
      rule.setReason("FieldValueInvalid");
      p.setXKubernetesValidations(java.util.List.of(rule));
      // a port name is an IANA service name (at most 15 characters)
      p.setMaxLength(15L);
    }
    if (p.getAdditionalProperties() != null) {
      formatIntegers(name, p.getAdditionalProperties().getSchema());
    }
  }

  /** 2.147483647E9 as 2147483647: YAML 1.1 readers take an exponent without a sign for a string. */
  static String plainNumbers(String yaml) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\s*(?:maximum|minimum): )(-?[0-9.]+E[0-9]+)$")
        .matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group(1) + new java.math.BigDecimal(m.group(2)).toBigInteger());
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The generator's CRD with the printer columns in {@link #COLUMN_ORDER} and its integers bounded. */
  static CustomResourceDefinition reorderColumns(String generatedYaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(generatedYaml, CustomResourceDefinition.class);
    crd.getSpec().getVersions().forEach(v -> {
      List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
      cols.sort(Comparator.comparingInt(c -> {
        int i = COLUMN_ORDER.indexOf(c.getName());
        return i < 0 ? COLUMN_ORDER.size() : i;
      }));
      v.setAdditionalPrinterColumns(cols);
      if (v.getSchema() != null) {
        formatIntegers("", v.getSchema().getOpenAPIV3Schema());
      }
    });
    return crd;
  }
}
