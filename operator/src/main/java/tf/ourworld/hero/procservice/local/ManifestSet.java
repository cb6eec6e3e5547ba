package tf.ourworld.hero.procservice.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manifests given to {@code local}: files (multi-document YAML or JSON) and directories (every
 * {@code *.yaml} / {@code *.yml} / {@code *.json} in them, sorted by name), parsed into generic
 * objects. A file that cannot be read or parsed becomes a {@link Problem}, never an exception.
 */
public final class ManifestSet {
  private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  /** One object and the file it came from. */
  public record Manifest(Path file, GenericKubernetesResource object) {
  }

  /** A file or document that could not be used, and why. */
  public record Problem(Path file, String message) {
  }

  private final List<Manifest> manifests = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();

  /** Reads every path given; problems are collected, not thrown. */
  public static ManifestSet read(List<Path> paths) {
    ManifestSet set = new ManifestSet();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$") && Files.isRegularFile(f)).sorted()
              .forEach(set::readFile);
        } catch (IOException e) {
          set.problems.add(new Problem(p, "cannot list directory: " + e.getMessage()));
        }
      } else {
        set.readFile(p);
      }
    }
    return set;
  }

  private void readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(new Problem(file, "cannot read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())));
      return;
    }
    int index = 0;
    for (String doc : DOC_SEPARATOR.split(text)) {
      index++;
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      try {
        GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
        if (r == null || r.getKind() == null || r.getApiVersion() == null || r.getMetadata() == null
            || r.getMetadata().getName() == null) {
          problems.add(new Problem(file, "document " + index + ": apiVersion, kind and metadata.name are required"));
          continue;
        }
        manifests.add(new Manifest(file, r));
      } catch (RuntimeException e) {
        String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        problems.add(new Problem(file, "document " + index + " is not valid YAML: " + firstLine(msg)));
      }
    }
  }

  private static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
  }

  public List<Manifest> manifests() {
    return List.copyOf(manifests);
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }
}
