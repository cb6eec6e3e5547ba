package tf.ourworld.hero.procservice.runtime.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.agent.AgentArgs;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.probe.AgentProtocol;
import tf.ourworld.hero.procservice.probe.ProbeChecks;

/**
 * The probe agent of a Pod-runtime service whose probes name a unix socket: a native sidecar (an
 * init container with restartPolicy Always) running the operator's own image as
 * {@code probe-agent}, with the shared runtime dir mounted read-only and the agent Secret's token
 * mounted in it alone, restricted like the other containers and with bounded resources. It is handed
 * exactly the unix-socket probes of the spec (action, expect, timeout; never thresholds or periods,
 * which stay the operator's, so changing those does not replace the pod). A pure function of the spec.
 */
public final class AgentSidecar {
  /** The sidecar's container name. */
  public static final String CONTAINER = "procservice-probe-agent";
  /** The key of the token in the agent Secret. */
  public static final String TOKEN_KEY = "token";
  static final String TOKEN_VOLUME = "procservice-agent-token";
  static final String TOKEN_DIR = "/var/run/secrets/procservice-agent";
  /** A small JVM: a handful of probes, one request at a time each. */
  static final String JVM_OPTIONS = "-Xmx32m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
      + " -XX:CICompilerCount=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";
  static final Map<String, Quantity> REQUESTS = Map.of("cpu", new Quantity("10m"), "memory", new Quantity("64Mi"));
  static final Map<String, Quantity> LIMITS = Map.of("cpu", new Quantity("200m"), "memory", new Quantity("192Mi"));

  private AgentSidecar() {
  }

  /** True when some probe connects to a unix socket: only the agent, inside the pod, can. */
  public static boolean needed(ProcService service) {
    return !agentProbes(service).isEmpty();
  }

  /** The probes the agent runs. */
  public static List<ProbeSpec> agentProbes(ProcService service) {
    List<ProbeSpec> probes = service.getSpec().getProbes();
    return probes == null ? List.of() : probes.stream()
        .filter(p -> p.kind() != null && !"exec".equals(p.kind()) && ProbeChecks.usesUnixSocket(p)).toList();
  }

  /** The name of the Secret holding the pod's token (owned by the ProcService). */
  public static String secretName(ProcService service) {
    return service.getMetadata().getName() + "-probe-agent";
  }

  /** What the agent needs of each probe, as JSON. */
  static String probesJson(ProcService service) {
    ArrayNode list = Serialization.jsonMapper().createArrayNode();
    for (ProbeSpec p : agentProbes(service)) {
      ObjectNode probe = list.addObject();
      probe.put("name", p.getName());
      probe.set(p.kind(), Serialization.jsonMapper().valueToTree(action(p)));
      if (p.getExpect() != null) {
        probe.set("expect", Serialization.jsonMapper().valueToTree(p.getExpect()));
      }
      probe.put("timeoutSeconds", p.getTimeoutSeconds() == null ? ProbeSpec.DEFAULT_TIMEOUT_SECONDS : p.getTimeoutSeconds());
    }
    try {
      return Serialization.jsonMapper().writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("probes cannot be written as JSON", e);
    }
  }

  private static Object action(ProbeSpec p) {
    return switch (p.kind()) {
      case "httpGet" -> p.getHttpGet();
      case "tcpSocket" -> p.getTcpSocket();
      case "openRpc" -> p.getOpenRpc();
      case "grpc" -> p.getGrpc();
      default -> throw new IllegalArgumentException("the agent does not run " + p.kind() + " probes");
    };
  }

  /** The sidecar container, running {@code image}. */
  static Container container(ProcService service, String image) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withRestartPolicy("Always")
        .withArgs(AgentArgs.of(probesJson(service), TOKEN_DIR + "/" + TOKEN_KEY, PodTemplate.RUNTIME_DIR,
            AgentProtocol.PORT))
        .withEnv(new EnvVar("JAVA_TOOL_OPTIONS", JVM_OPTIONS, null))
        .addNewPort().withName(AgentProtocol.PORT_NAME).withContainerPort(AgentProtocol.PORT).withProtocol("TCP").endPort()
        .withVolumeMounts(
            new VolumeMountBuilder().withName(PodTemplate.RUNTIME_VOLUME).withMountPath(PodTemplate.RUNTIME_DIR)
                .withReadOnly(true).build(),
            new VolumeMountBuilder().withName(TOKEN_VOLUME).withMountPath(TOKEN_DIR).withReadOnly(true).build())
        .withNewResources().withRequests(REQUESTS).withLimits(LIMITS).endResources()
        .withSecurityContext(new SecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withReadOnlyRootFilesystem(true)
            .withAllowPrivilegeEscalation(false)
            .withCapabilities(new Capabilities(null, List.of("ALL")))
            .withSeccompProfile(new SeccompProfile(null, "RuntimeDefault"))
            .build())
        .build();
  }

  /**
   * The token volume: the agent Secret's one key. Mode 0444 because the files of a Secret volume
   * belong to root and the agent runs as a non-root user; only the sidecar mounts the volume.
   */
  static Volume tokenVolume(ProcService service) {
    return new VolumeBuilder().withName(TOKEN_VOLUME)
        .withNewSecret().withSecretName(secretName(service)).withDefaultMode(0444)
          .addNewItem().withKey(TOKEN_KEY).withPath(TOKEN_KEY).endItem()
        .endSecret().build();
  }
}
