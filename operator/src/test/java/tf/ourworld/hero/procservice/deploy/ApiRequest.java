package tf.ourworld.hero.procservice.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** One HTTP request the operator sent to the API server, as recorded by the mock server. */
public record ApiRequest(String method, String path) {

  /** What RBAC sees of a request: verb, API group, resource (with subresource), namespace. */
  public record Access(String verb, String apiGroup, String resource, String subresource, String namespace) {
    /** {@code resource} or {@code resource/subresource}, as written in a rule. */
    public String ruleResource() {
      return subresource == null ? resource : resource + "/" + subresource;
    }

    @Override
    public String toString() {
      return verb + " " + ruleResource() + (apiGroup.isEmpty() ? "" : "." + apiGroup)
          + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
  }

  /**
   * Maps the request to the RBAC access it needs, the way the API server's request-info resolver
   * does; empty for non-resource URLs (discovery, /version, /openapi), which every authenticated
   * user may read.
   */
  public Optional<Access> access() {
    String p = path;
    String query = "";
    int q = p.indexOf('?');
    if (q >= 0) {
      query = p.substring(q + 1);
      p = p.substring(0, q);
    }
    List<String> parts = new ArrayList<>(Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).toList());
    String group;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      parts = parts.subList(2, parts.size());
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      parts = parts.subList(3, parts.size());
    } else {
      return Optional.empty();
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String namespace = null;
    // namespaces/<ns>/<resource>...: a namespaced resource; namespaces[/<name>] alone is the Namespace itself.
    if (parts.get(0).equals("namespaces") && parts.size() >= 3) {
      namespace = parts.get(1);
      parts = parts.subList(2, parts.size());
    }
    String resource = parts.get(0);
    String name = parts.size() > 1 ? parts.get(1) : null;
    String subresource = parts.size() > 2 ? parts.get(2) : null;
    boolean watch = hasParam(query, "watch", "true") || hasParam(query, "watch", "1");
    String verb = switch (method.toUpperCase()) {
      case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> throw new IllegalArgumentException("Unexpected HTTP method " + method + " for " + path);
    };
    return Optional.of(new Access(verb, group, resource, subresource, namespace));
  }

  private static boolean hasParam(String query, String key, String value) {
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(key)
          && URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8).equals(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
