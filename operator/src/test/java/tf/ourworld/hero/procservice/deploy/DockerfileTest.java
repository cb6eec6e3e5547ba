package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built here (no container engine), so this checks what can be checked: the
 * Dockerfile copies the jar the build produces and runs as the user the manifests expect.
 */
class DockerfileTest {
  private static final Path ROOT = RbacAudit.projectRoot();

  @Test
  void runsTheShadedJarAsTheNonRootUserTheDeploymentExpects() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
    String pom = Files.readString(ROOT.resolve("operator/pom.xml"));
    assertThat(pom).contains("<finalName>procservice-operator</finalName>");
    assertThat(lines).anyMatch(l -> l.startsWith("COPY --from=build /src/operator/target/procservice-operator.jar "));
    assertThat(lines).anyMatch(l -> l.startsWith("FROM gcr.io/distroless/java17") && l.endsWith(":nonroot"));
    assertThat(lines).contains("USER 65532:65532");
    String runAsUser = Manifests.load(ROOT.resolve("deploy/deployment.yaml")).one("Deployment")
        .path("spec").path("template").path("spec").path("securityContext").path("runAsUser").asText();
    assertThat(runAsUser).isEqualTo("65532");
    assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT [\"/usr/bin/java\", \"-jar\", \"/app/procservice-operator.jar\"]"));
  }
}
