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
import java.util.List;
import java.util.Optional;

/** Kubernetes manifests read from multi-document YAML, failing on anything that does not parse. */
record Manifests(Path source, List<JsonNode> documents) {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Manifests load(Path file) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode() && !(d.isObject() && d.isEmpty())) {
          docs.add(d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse " + file + ": " + e.getMessage(), e);
    }
    return new Manifests(file, docs);
  }

  /** The one document of that kind; fails when there is none or several. */
  JsonNode one(String kind) {
    List<JsonNode> all = all(kind);
    if (all.size() != 1) {
      throw new AssertionError(source + ": expected one " + kind + ", found " + all.size());
    }
    return all.get(0);
  }

  Optional<JsonNode> find(String kind) {
    return all(kind).stream().findFirst();
  }

  List<JsonNode> all(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }
}
