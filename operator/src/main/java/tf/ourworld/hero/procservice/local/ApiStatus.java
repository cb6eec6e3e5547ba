package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Builds {@code meta/v1 Status} bodies, the error form kubectl turns into "Error from server (Reason): ...". */
final class ApiStatus {
  private ApiStatus() {
  }

  static ObjectNode of(int code, String reason, String message) {
    ObjectNode n = Serialization.jsonMapper().createObjectNode();
    n.put("kind", "Status");
    n.put("apiVersion", "v1");
    n.putObject("metadata");
    n.put("status", code < 400 ? "Success" : "Failure");
    n.put("message", message);
    n.put("reason", reason);
    n.put("code", code);
    return n;
  }

  /** The Status of a missing object, worded like the real API server's. */
  static ObjectNode notFound(String resource, String group, String name) {
    return withDetails(of(404, "NotFound", what(resource, group) + " \"" + name + "\" not found"), resource, group, name);
  }

  /** 409 AlreadyExists: a create of a name that is taken. */
  static ObjectNode alreadyExists(String resource, String group, String name) {
    return withDetails(of(409, "AlreadyExists", what(resource, group) + " \"" + name + "\" already exists"),
        resource, group, name);
  }

  /** 409 Conflict: a write based on a resourceVersion that is no longer the object's. */
  static ObjectNode conflict(String resource, String group, String name) {
    return withDetails(of(409, "Conflict", "Operation cannot be fulfilled on " + what(resource, group) + " \"" + name
        + "\": the object has been modified; please apply your changes to the latest version and try again"),
        resource, group, name);
  }

  private static String what(String resource, String group) {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  private static ObjectNode withDetails(ObjectNode status, String resource, String group, String name) {
    ObjectNode d = status.putObject("details");
    d.put("name", name);
    d.put("group", group);
    d.put("kind", resource);
    return status;
  }

  /** 422 Invalid, worded like the API server: The Kind "name" is invalid: field: problem, ... */
  static ObjectNode invalid(ApiResource resource, String name, java.util.List<SchemaValidator.Problem> problems) {
    java.util.List<String> parts = problems.stream().map(p -> p.field() + ": " + p.message()).toList();
    String joined = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
    ObjectNode n = of(422, "Invalid", resource.kind() + "." + resource.group() + " \"" + name + "\" is invalid: " + joined);
    ObjectNode d = n.putObject("details");
    d.put("name", name);
    d.put("group", resource.group());
    d.put("kind", resource.kind());
    var causes = d.putArray("causes");
    for (SchemaValidator.Problem p : problems) {
      ObjectNode c = causes.addObject();
      c.put("reason", p.reason());
      c.put("message", p.message());
      c.put("field", p.field());
    }
    return n;
  }
}
