package tf.ourworld.hero.procservice.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The model's cross-field rules as a ValidatingAdmissionPolicy and its binding: judged when a
 * ProcService is created or its spec changes, never on a write of its status.
 *
 * <p>Why not in the CRD: kube-apiserver evaluates every {@code x-kubernetes-validations} rule of a
 * CRD on every write of the object, {@code /status} included (ratcheting only turns an unchanged
 * field's error into a warning; the rules still run). These rules only read the spec, which a
 * status write cannot change. At 10,000 services they cost 344 µs and 325 KB of garbage per status
 * write, 22 % of kube-apiserver's CPU over a cold start (docs/benchmarks.md, "Spec rules at
 * admission, not on every status write").
 *
 * <p>Each rule is the model's, unchanged: {@code self} becomes the path it was written at, and a
 * rule under a list holds for every item. A write that leaves the spec as it was (labels, a
 * finalizer) is not judged, as a CRD's ratcheting would not refuse it either: a rule added by an
 * upgrade cannot block the removal of a finalizer from an object stored before it.
 */
public final class ValidationPolicy {
  /** The committed file, relative to the project root. */
  public static final String COMMITTED_PATH = "deploy/validating-admission-policy.yaml";
  /** The policy's and the binding's name. */
  public static final String NAME = ProcService.CRD_NAME;
  /** Only a create, or an update whose spec differs: never metadata-only writes (and /status is not matched at all). */
  static final String SPEC_WRITTEN = "oldObject == null || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec";

  private ValidationPolicy() {
  }

  /** The policy and its binding as YAML text, exactly as committed in {@link #COMMITTED_PATH}. */
  public static String yaml() {
    return "# Generated from the ProcService model's rules by ValidationPolicy (CrdDefinition.rules()). Do not\n"
        + "# edit: CrdDriftTest tells how to refresh it. Install it beside the CRD (kubectl apply -k deploy/,\n"
        + "# or the Helm chart). Without it the API server still checks the CRD's schema, and the operator\n"
        + "# still refuses a spec these rules refuse (status Failed, reason InvalidSpec).\n"
        + Serialization.asYaml(policy()) + Serialization.asYaml(binding());
  }

  public static ValidatingAdmissionPolicy policy() {
    List<Validation> validations = new ArrayList<>();
    for (Map.Entry<String, List<ValidationRule>> e : CrdDefinition.rules().entrySet()) {
      for (ValidationRule r : e.getValue()) {
        validations.add(new ValidationBuilder().withExpression(expression(e.getKey(), r.getRule()))
            .withMessage(e.getKey() + ": " + r.getMessage()).withReason("Invalid").build());
      }
    }
    return new ValidatingAdmissionPolicyBuilder()
        .withNewMetadata().withName(NAME).addToLabels("app.kubernetes.io/name", "procservice-operator").endMetadata()
        .withNewSpec()
        .withFailurePolicy("Fail")
        .withNewMatchConstraints()
        .addNewResourceRule().withApiGroups(ProcService.GROUP).withApiVersions(ProcService.VERSION)
        .withOperations("CREATE", "UPDATE").withResources(HasMetadata.getPlural(ProcService.class)).endResourceRule()
        .endMatchConstraints()
        .addNewMatchCondition().withName("spec-written").withExpression(SPEC_WRITTEN).endMatchCondition()
        .withValidations(validations)
        .endSpec().build();
  }

  public static ValidatingAdmissionPolicyBinding binding() {
    return new ValidatingAdmissionPolicyBindingBuilder()
        .withNewMetadata().withName(NAME).addToLabels("app.kubernetes.io/name", "procservice-operator").endMetadata()
        .withNewSpec().withPolicyName(NAME).withValidationActions("Deny").endSpec().build();
  }

  /**
   * The rule written at path (dotted from the resource's root, {@code []} for a list's items) as
   * an expression over {@code object}: it holds where a field on the way is absent, and for every
   * item of a list on the way.
   */
  static String expression(String path, String rule) {
    return expression(path.split("\\."), 0, "object", 1, rule);
  }

  private static String expression(String[] segments, int i, String base, int depth, String rule) {
    if (i == segments.length) {
      return rule.replaceAll("\\bself\\b", Matcher.quoteReplacement(base));
    }
    String segment = segments[i];
    boolean list = segment.endsWith("[]");
    String field = base + "." + (list ? segment.substring(0, segment.length() - 2) : segment);
    if (list) {
      String item = "item" + depth;
      return "!has(" + field + ") || " + field + ".all(" + item + ", "
          + expression(segments, i + 1, item, depth + 1, rule) + ")";
    }
    return "!has(" + field + ") || (" + expression(segments, i + 1, field, depth, rule) + ")";
  }
}
