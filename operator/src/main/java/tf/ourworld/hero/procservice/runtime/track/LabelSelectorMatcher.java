package tf.ourworld.hero.procservice.runtime.track;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed) on a label map. */
public final class LabelSelectorMatcher {

  private LabelSelectorMatcher() {
  }

  /** True when the selector selects nothing at all (null) or everything (no terms). */
  public static boolean isEmpty(LabelSelector selector) {
    return selector == null
        || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
            && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()));
  }

  /** True when the labels satisfy every term of the selector; a null selector matches nothing. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (String.valueOf(r.getOperator())) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;   // unknown operators select nothing, as the API server would refuse them
    };
  }

  /** Problem with the selector's operators, or null when it is well formed. */
  public static String problem(LabelSelector selector) {
    if (selector == null || selector.getMatchExpressions() == null) {
      return null;
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      LabelSelectorRequirement r = selector.getMatchExpressions().get(i);
      String field = "spec.selector.matchExpressions[" + i + "]";
      String op = r.getOperator();
      boolean needsValues = "In".equals(op) || "NotIn".equals(op);
      boolean noValues = "Exists".equals(op) || "DoesNotExist".equals(op);
      if (!needsValues && !noValues) {
        return field + ".operator: must be In, NotIn, Exists or DoesNotExist, not '" + op + "'";
      }
      boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
      if (needsValues && !hasValues) {
        return field + ".values: required for operator " + op;
      }
      if (noValues && hasValues) {
        return field + ".values: must be empty for operator " + op;
      }
    }
    return null;
  }
}
