package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Field and label selectors as the real API server evaluates them, applied to stored JSON objects.
 * The mock's own selector support only matches attributes it indexes (not e.g.
 * {@code involvedObject.name}, which {@code kubectl describe} uses to find Events).
 */
final class Selectors {
  private Selectors() {
  }

  /** A predicate for {@code fieldSelector}: {@code a.b=v}, {@code a.b==v}, {@code a.b!=v}, comma-separated. */
  static Predicate<JsonNode> field(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> all = new ArrayList<>();
    for (String req : splitTopLevel(selector)) {
      boolean negate = req.contains("!=");
      String[] kv = negate ? req.split("!=", 2) : req.split("==?", 2);
      if (kv.length != 2) {
        continue;
      }
      String path = kv[0].trim();
      String value = kv[1].trim();
      all.add(o -> value.equals(text(o, path)) != negate);
    }
    return o -> all.stream().allMatch(p -> p.test(o));
  }

  /** A predicate for {@code labelSelector}: equality, inequality, set-based and existence requirements. */
  static Predicate<JsonNode> label(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> all = new ArrayList<>();
    for (String raw : splitTopLevel(selector)) {
      String req = raw.trim();
      if (req.isEmpty()) {
        continue;
      }
      java.util.regex.Matcher set = java.util.regex.Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(req);
      if (set.matches()) {
        String key = set.group(1);
        boolean in = set.group(2).equals("in");
        Set<String> values = Arrays.stream(set.group(3).split(",")).map(String::trim).collect(Collectors.toSet());
        all.add(o -> {
          JsonNode v = o.path("metadata").path("labels").get(key);
          return in ? v != null && values.contains(v.asText()) : v == null || !values.contains(v.asText());
        });
      } else if (req.contains("!=")) {
        String[] kv = req.split("!=", 2);
        all.add(o -> {
          JsonNode v = o.path("metadata").path("labels").get(kv[0].trim());
          return v == null || !v.asText().equals(kv[1].trim());
        });
      } else if (req.contains("=")) {
        String[] kv = req.split("==?", 2);
        all.add(o -> {
          JsonNode v = o.path("metadata").path("labels").get(kv[0].trim());
          return v != null && v.asText().equals(kv[1].trim());
        });
      } else if (req.startsWith("!")) {
        all.add(o -> !o.path("metadata").path("labels").has(req.substring(1)));
      } else {
        all.add(o -> o.path("metadata").path("labels").has(req));
      }
    }
    return o -> all.stream().allMatch(p -> p.test(o));
  }

  /** The text at a dotted path; "" when absent (as the API server compares a missing field). */
  static String text(JsonNode o, String dottedPath) {
    JsonNode n = o;
    for (String part : dottedPath.split("\\.")) {
      n = n.path(part);
    }
    return n.isMissingNode() || n.isNull() ? "" : n.asText();
  }

  /** Splits on commas that are not inside parentheses. */
  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    return parts;
  }
}
