package tf.ourworld.hero.procservice.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

/** Every ProcService in examples/ is valid; files named invalid-* are the exception and must be invalid. */
class ExamplesTest {
  static Path examples() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize().resolve("examples");
  }

  @Test
  void everyExampleIsValid() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(examples())) {
      files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).as("examples/*.yaml").isNotEmpty();
    assertThat(files).anyMatch(p -> p.getFileName().toString().equals("hero_foundry.yaml"));
    SpecValidator validator = new SpecValidator();
    int services = 0;
    for (Path f : files) {
      for (ProcService ps : load(f)) {
        services++;
        List<String> problems = validator.messages(SpecDefaults.apply(ps.getSpec()));
        if (f.getFileName().toString().startsWith("invalid")) {
          assertThat(problems).as(f + " is meant to be invalid").isNotEmpty();
        } else {
          assertThat(problems).as(f + ": " + ps.getMetadata().getName()).isEmpty();
        }
      }
    }
    assertThat(services).isPositive();
  }

  @Test
  void heroFoundryIsTheSeedService() throws IOException {
    ProcService ps = load(examples().resolve("hero_foundry.yaml")).get(0);
    assertThat(ps.getSpec().getProcesses()).extracting(p -> p.getName()).contains("server", "ui");
    assertThat(ps.getSpec().getProbes()).anyMatch(p -> p.getOpenRpc() != null
        && "rpc.sock".equals(p.getOpenRpc().getUnixSocket()));
    assertThat(ps.getSpec().getProbes()).anyMatch(p -> p.getHttpGet() != null
        && "ui.sock".equals(p.getHttpGet().getUnixSocket()));
  }

  @Test
  void itsPodTwinProbesTheSameSocketsThroughTheProbeAgent() throws IOException {
    ProcService ps = load(examples().resolve("hero_foundry-pod.yaml")).get(0);
    ProcService seed = load(examples().resolve("hero_foundry.yaml")).get(0);
    assertThat(ps.getSpec().getRuntime()).isEqualTo(tf.ourworld.hero.procservice.model.RuntimeKind.Pod);
    assertThat(tf.ourworld.hero.procservice.runtime.pod.AgentSidecar.agentProbes(ps)).extracting(p -> p.getName())
        .containsExactlyElementsOf(seed.getSpec().getProbes().stream().map(p -> p.getName()).toList());
    assertThat(tf.ourworld.hero.procservice.runtime.pod.PodSpecCheck.check(ps, true)).isEmpty();
  }

  static List<ProcService> load(Path f) throws IOException {
    List<ProcService> out = new ArrayList<>();
    String text = Files.readString(f);
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.isBlank() || !doc.contains("kind: ProcService")) {
        continue;
      }
      try (InputStream in = new java.io.ByteArrayInputStream(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        HasMetadata o = Serialization.unmarshal(in, ProcService.class);
        out.add((ProcService) o);
      }
    }
    return out;
  }
}
