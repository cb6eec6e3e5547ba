package tf.ourworld.hero.procservice.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed API path: {@code /api/v1/namespaces/ns/events/name} or
 * {@code /apis/group/version/[namespaces/ns/]plural[/name[/subresource]]}, plus its query.
 *
 * @param group "" for the core group
 * @param version the API version
 * @param namespace namespace, or null
 * @param plural the resource, or null for a discovery path
 * @param name object name, or null for a collection
 * @param subresource e.g. "status", or null
 * @param query decoded query parameters
 */
record ResourcePath(String group, String version, String namespace, String plural, String name,
    String subresource, Map<String, String> query) {

  /** Parses a request path with query, or returns null when it is not an API resource path. */
  static ResourcePath parse(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = parseQuery(q < 0 ? "" : pathAndQuery.substring(q + 1));
    List<String> seg = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    String version;
    List<String> rest;
    if (seg.size() >= 2 && seg.get(0).equals("api")) {
      group = "";
      version = seg.get(1);
      rest = seg.subList(2, seg.size());
    } else if (seg.size() >= 3 && seg.get(0).equals("apis")) {
      group = seg.get(1);
      version = seg.get(2);
      rest = seg.subList(3, seg.size());
    } else {
      return null;
    }
    if (!rest.isEmpty() && rest.get(0).equals("watch")) {
      rest = rest.subList(1, rest.size());
      query.put("watch", "true");
    }
    if (rest.isEmpty()) {
      return new ResourcePath(group, version, null, null, null, null, query);
    }
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() >= 3
        && !(rest.size() == 3 && (rest.get(2).equals("status") || rest.get(2).equals("finalize")))) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    return new ResourcePath(group, version, namespace, rest.get(0), rest.size() > 1 ? rest.get(1) : null,
        rest.size() > 2 ? rest.get(2) : null, query);
  }

  /** Whether this is a watch request ({@code watch=true} or {@code watch=1}). */
  boolean isWatch() {
    String w = query.get("watch");
    return w != null && (w.equals("true") || w.equals("1"));
  }

  /** The path the mock store understands: no query, no legacy {@code /watch} segment. */
  String storePath() {
    StringBuilder b = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
    if (namespace != null) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(plural);
    if (name != null) {
      b.append('/').append(name);
    }
    if (subresource != null) {
      b.append('/').append(subresource);
    }
    return b.toString();
  }

  private static Map<String, String> parseQuery(String q) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : q.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }
}
