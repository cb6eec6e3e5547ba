package tf.ourworld.hero.procservice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RBAC rules of a manifest file: every ClusterRole (cluster-wide) and Role (its namespace
 * only) in it, flattened to single (verb, group, resource) grants.
 */
public record RbacRules(List<Grant> grants) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One verb on one resource of one group; {@code namespace} null for a ClusterRole. */
  public record Grant(String verb, String apiGroup, String resource, String namespace) {
    boolean allows(ApiRequest.Access a) {
      return (verb.equals("*") || verb.equals(a.verb()))
          && (apiGroup.equals("*") || apiGroup.equals(a.apiGroup()))
          && (resource.equals("*") || resource.equals(a.ruleResource()))
          && (namespace == null || namespace.equals(a.namespace()));
    }

    @Override
    public String toString() {
      return verb + " " + resource + (apiGroup.isEmpty() ? "" : "." + apiGroup)
          + (namespace == null ? " (ClusterRole)" : " (Role in " + namespace + ")");
    }
  }

  /** Reads every Role and ClusterRole of a (multi-document) YAML file. */
  public static RbacRules load(Path yaml) {
    try {
      return parse(Files.readString(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads every Role and ClusterRole of a (multi-document) YAML text. */
  public static RbacRules parse(String yaml) {
    Set<Grant> grants = new LinkedHashSet<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
          continue;
        }
        String kind = doc.path("kind").asText();
        if (!kind.equals("ClusterRole") && !kind.equals("Role")) {
          continue;
        }
        String namespace = kind.equals("Role") ? doc.path("metadata").path("namespace").asText(null) : null;
        for (JsonNode rule : doc.path("rules")) {
          if (rule.has("nonResourceURLs")) {
            throw new IllegalArgumentException(kind + " " + doc.path("metadata").path("name").asText()
                + ": nonResourceURLs are not expected in the operator's RBAC");
          }
          for (JsonNode g : rule.path("apiGroups")) {
            for (JsonNode r : rule.path("resources")) {
              for (JsonNode v : rule.path("verbs")) {
                grants.add(new Grant(v.asText(), g.asText(), r.asText(), namespace));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RbacRules(new ArrayList<>(grants));
  }

  /** Whether some grant allows the access. */
  public boolean allows(ApiRequest.Access access) {
    return grants.stream().anyMatch(g -> g.allows(access));
  }
}
