package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Object and namespace names as a real API server checks them on create and update: a name is a
 * DNS-1123 subdomain (at most 253 characters), a namespace a DNS-1123 label (at most 63). A name
 * such as {@code ..} or {@code a/b} would otherwise be stored, and become a path segment of the
 * Process runtime's runtime dir.
 */
final class ObjectNames {
  static final String SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern SUBDOMAIN_RE = Pattern.compile(SUBDOMAIN);
  private static final Pattern LABEL_RE = Pattern.compile(LABEL);

  private ObjectNames() {
  }

  /** The 422 Status for a bad name or namespace of object written to rp, or null when they are fine. */
  static ObjectNode check(ResourcePath rp, JsonNode object, String kind, String group) {
    List<SchemaValidator.Problem> problems = new ArrayList<>();
    String bodyName = object == null ? null : textOrNull(object.path("metadata").path("name"));
    String name = bodyName != null ? bodyName : rp.name();
    boolean generated = object != null && object.path("metadata").hasNonNull("generateName") && name == null;
    if (!generated) {
      subdomain("metadata.name", name, problems);
    }
    if (rp.name() != null && bodyName != null && !rp.name().equals(bodyName)) {
      problems.add(new SchemaValidator.Problem("metadata.name", "FieldValueInvalid",
          "Invalid value: \"" + shown(bodyName) + "\": the name of the object does not match the name on the URL"));
    }
    String ns = rp.namespace();
    if (ns != null && (ns.length() > 63 || !LABEL_RE.matcher(ns).matches())) {
      problems.add(new SchemaValidator.Problem("metadata.namespace", "FieldValueInvalid", "Invalid value: \""
          + shown(ns) + "\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
          + " and must start and end with an alphanumeric character (regex used for validation is '" + LABEL + "')"));
    }
    if (problems.isEmpty()) {
      return null;
    }
    List<String> parts = problems.stream().map(p -> p.field() + ": " + p.message()).toList();
    String shownName = name == null ? "" : shown(name);
    ObjectNode status = ApiStatus.of(422, "Invalid", kind + (group == null || group.isEmpty() ? "" : "." + group)
        + " \"" + shownName + "\" is invalid: " + (parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]"));
    ObjectNode d = status.putObject("details");
    d.put("name", shownName);
    d.put("group", group == null ? "" : group);
    d.put("kind", kind);
    var causes = d.putArray("causes");
    for (SchemaValidator.Problem p : problems) {
      ObjectNode c = causes.addObject();
      c.put("reason", p.reason());
      c.put("message", p.message());
      c.put("field", p.field());
    }
    return status;
  }

  private static void subdomain(String field, String name, List<SchemaValidator.Problem> out) {
    if (name == null || name.isEmpty()) {
      out.add(new SchemaValidator.Problem(field, "FieldValueRequired", "Required value: name or generateName is required"));
    } else if (name.length() > 253 || !SUBDOMAIN_RE.matcher(name).matches()) {
      out.add(new SchemaValidator.Problem(field, "FieldValueInvalid", "Invalid value: \"" + shown(name)
          + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
          + " and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
          + SUBDOMAIN + "')"));
    }
  }

  private static String textOrNull(JsonNode n) {
    return n == null || !n.isTextual() ? null : n.asText();
  }

  /** Names are echoed as the real API does, but bounded. */
  private static String shown(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
