package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe agent's image: the one configured ({@code --agent-image}), else the image of the
 * operator's own container, read once at start from its pod (POD_NAME and POD_NAMESPACE, which
 * deploy/ and the chart set); null when neither is known, and unix-socket probes of Pod-runtime
 * services are then refused with a message saying so.
 */
final class AgentImage {
  private static final Logger log = LoggerFactory.getLogger(AgentImage.class);
  /** The operator's container in deploy/ and the chart. */
  static final String OPERATOR_CONTAINER = "operator";

  private AgentImage() {
  }

  static String resolve(KubernetesClient client, String configured, Function<String, String> env) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String name = env.apply("POD_NAME");
    String namespace = env.apply("POD_NAMESPACE");
    if (name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
      return null;
    }
    try {
      Pod own = client.pods().inNamespace(namespace).withName(name).get();
      List<Container> containers = own == null || own.getSpec() == null ? List.of() : own.getSpec().getContainers();
      String image = containers.stream().filter(c -> OPERATOR_CONTAINER.equals(c.getName())).findFirst()
          .or(() -> containers.stream().findFirst()).map(Container::getImage).orElse(null);
      log.atInfo().setMessage("Probe agent image from the operator's own pod").addKeyValue("image", image).log();
      return image;
    } catch (RuntimeException e) {
      log.atWarn().setMessage("Cannot read the operator's own pod for the probe agent image; set --agent-image")
          .addKeyValue("pod", namespace + "/" + name).addKeyValue("error", e.getMessage()).log();
      return null;
    }
  }
}
