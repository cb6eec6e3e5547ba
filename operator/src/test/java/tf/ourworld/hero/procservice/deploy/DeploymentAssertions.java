package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What every shipped operator Deployment must have: restricted security, own-health probes, resources. */
final class DeploymentAssertions {
  private DeploymentAssertions() {
  }

  static void assertOperatorDeployment(JsonNode deployment) {
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as("pod runAsNonRoot").isTrue();
    assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.path("serviceAccountName").asText()).isNotBlank();
    JsonNode c = pod.path("containers").get(0);
    JsonNode sc = c.path("securityContext");
    assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean())
        .as("allowPrivilegeEscalation: false").isTrue();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem").isTrue();
    assertThat(sc.path("runAsNonRoot").asBoolean()).as("container runAsNonRoot").isTrue();
    assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");
    assertThat(sc.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("resources").path("requests").path("cpu").asText()).isNotBlank();
    assertThat(c.path("resources").path("requests").path("memory").asText()).isNotBlank();
    assertThat(c.path("resources").path("limits").path("memory").asText()).isNotBlank();
    List<String> args = texts(c.path("args"));
    assertThat(args.get(0)).isEqualTo("run");
    assertThat(String.join(" ", args)).matches(".*--log-format[ =]json.*");
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
