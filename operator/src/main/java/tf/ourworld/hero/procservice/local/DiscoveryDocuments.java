package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/**
 * The legacy (non-aggregated) discovery documents real kubectl reads before anything else:
 * {@code /api}, {@code /apis}, {@code /apis/<group>} and the per group-version resource lists.
 */
final class DiscoveryDocuments {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

  private final ApiResourceRegistry registry;
  private final String serverAddress;

  DiscoveryDocuments(ApiResourceRegistry registry, String serverAddress) {
    this.registry = registry;
    this.serverAddress = serverAddress;
  }

  /** {@code GET /api}. */
  ObjectNode coreVersions() {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "APIVersions");
    n.putArray("versions").add("v1");
    ObjectNode cidr = n.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return n;
  }

  /** {@code GET /apis}. */
  ObjectNode groupList() {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "APIGroupList");
    n.put("apiVersion", "v1");
    ArrayNode groups = n.putArray("groups");
    for (String g : registry.groups()) {
      groups.add(group(g));
    }
    return n;
  }

  /** {@code GET /apis/<group>}, or null when the group is unknown. */
  ObjectNode group(String group) {
    List<String> versions = registry.versions(group);
    if (versions.isEmpty()) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "APIGroup");
    n.put("apiVersion", "v1");
    n.put("name", group);
    ArrayNode vs = n.putArray("versions");
    for (String v : versions) {
      ObjectNode gv = vs.addObject();
      gv.put("groupVersion", group + "/" + v);
      gv.put("version", v);
    }
    n.set("preferredVersion", vs.get(0).deepCopy());
    return n;
  }

  /** {@code GET /api/v1} or {@code GET /apis/<group>/<version>}, or null when unknown. */
  ObjectNode resourceList(String group, String version) {
    List<ApiResource> resources = registry.all().stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version)).toList();
    if (resources.isEmpty()) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "APIResourceList");
    n.put("apiVersion", "v1");
    n.put("groupVersion", resources.get(0).groupVersion());
    ArrayNode list = n.putArray("resources");
    for (ApiResource r : resources) {
      ObjectNode o = list.addObject();
      o.put("name", r.plural());
      o.put("singularName", r.singular());
      o.put("namespaced", r.namespaced());
      o.put("kind", r.kind());
      VERBS.forEach(o.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) {
        r.shortNames().forEach(o.putArray("shortNames")::add);
      }
      if (!r.categories().isEmpty()) {
        r.categories().forEach(o.putArray("categories")::add);
      }
      if (r.statusSubresource()) {
        ObjectNode s = list.addObject();
        s.put("name", r.plural() + "/status");
        s.put("singularName", "");
        s.put("namespaced", r.namespaced());
        s.put("kind", r.kind());
        STATUS_VERBS.forEach(s.putArray("verbs")::add);
      }
    }
    return n;
  }

  /** {@code GET /version}: reports the Kubernetes minor version whose API this server mimics. */
  static ObjectNode version() {
    ObjectNode n = JSON.createObjectNode();
    n.put("major", "1");
    n.put("minor", "31");
    n.put("gitVersion", "v1.31.0-procservice-local");
    n.put("gitCommit", "");
    n.put("gitTreeState", "clean");
    n.put("buildDate", "1970-01-01T00:00:00Z");
    n.put("goVersion", "java" + Runtime.version().feature());
    n.put("compiler", "fabric8-mock");
    n.put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
        + System.getProperty("os.arch"));
    return n;
  }
}
