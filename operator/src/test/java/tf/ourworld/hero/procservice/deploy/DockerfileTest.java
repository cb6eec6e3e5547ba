package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    assertThat(lines).contains("COPY operator/jvm.options /app/jvm.options");
    assertThat(lines).anyMatch(l -> l.startsWith(
        "ENTRYPOINT [\"/usr/bin/java\", \"@/app/jvm.options\", \"-jar\", \"/app/procservice-operator.jar\"]"));
  }

  /** The image's JVM options are ones this JDK takes: a wrong one would stop the JVM from starting. */
  @Test
  void theImagesJvmOptionsStartAJvm() throws Exception {
    Path options = ROOT.resolve("operator/jvm.options");
    assertThat(Files.readAllLines(options)).anyMatch(l -> l.startsWith("-XX:"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "@" + options, "-version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
