package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;

/**
 * The Pod a Pod-runtime ProcService runs as: one container per process, a shared emptyDir for
 * sockets, Pod Security "restricted" settings, and the labels and annotations the runtime finds
 * it by. A pure function of the ProcService.
 */
public final class PodTemplate {

  /** Hash of the pod spec the pod was created from; a different hash means the pod is outdated. */
  public static final String ANNOTATION_TEMPLATE_HASH = ProcService.GROUP + "/template-hash";
  /** How often the operator replaced the pod of this service (kept across operator restarts). */
  public static final String ANNOTATION_REPLACEMENTS = ProcService.GROUP + "/replacements";
  /** Where the shared emptyDir is mounted in every container. */
  public static final String RUNTIME_DIR = "/run/procservice";
  /** Environment variable that tells each process where the shared runtime dir is. */
  public static final String RUNTIME_DIR_ENV = "PROCSERVICE_RUNTIME_DIR";
  /** Name of the shared emptyDir volume. */
  public static final String RUNTIME_VOLUME = "procservice-run";

  private PodTemplate() {
  }

  /** The pod name: the service name, so that the API server itself refuses a second pod. */
  public static String podName(ProcService service) {
    return service.getMetadata().getName();
  }

  /**
   * The complete pod to create, with its replacement count annotation.
   *
   * @param agentImage the probe agent's image (the operator's own), used when a probe needs the agent
   */
  public static Pod pod(ProcService service, int replacements, String agentImage) {
    PodSpec spec = podSpec(service, agentImage);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ProcService.LABEL_MANAGED_BY, ProcService.MANAGER_NAME);
    labels.put(ProcService.LABEL_PROCSERVICE, service.getMetadata().getName());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ANNOTATION_TEMPLATE_HASH, hash(spec));
    annotations.put(ANNOTATION_REPLACEMENTS, Integer.toString(replacements));
    return new PodBuilder()
        .withNewMetadata()
          .withName(podName(service))
          .withNamespace(service.getMetadata().getNamespace())
          .withLabels(labels)
          .withAnnotations(annotations)
          .withOwnerReferences(ownerReference(service))
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /** The pod without a probe agent. */
  public static Pod pod(ProcService service, int replacements) {
    return pod(service, replacements, null);
  }

  /** Hash of the pod spec the service asks for now, without a probe agent. */
  public static String templateHash(ProcService service) {
    return templateHash(service, null);
  }

  /** Hash of the pod spec the service asks for now. */
  public static String templateHash(ProcService service, String agentImage) {
    return hash(podSpec(service, agentImage));
  }

  /** The owner reference every pod of the service carries: garbage collected with the service. */
  public static OwnerReference ownerReference(ProcService service) {
    return new OwnerReferenceBuilder()
        .withApiVersion(ProcService.GROUP + "/" + ProcService.VERSION)
        .withKind("ProcService")
        .withName(service.getMetadata().getName())
        .withUid(service.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * The pod's restartPolicy, which Kubernetes only has per pod: all processes Never gives Never;
   * else any Always gives Always; else OnFailure. So a mixed pod restarts its Never containers too.
   */
  public static String podRestartPolicy(List<ProcessSpec> processes) {
    boolean allNever = !processes.isEmpty()
        && processes.stream().allMatch(p -> effectivePolicy(p) == RestartPolicy.Never);
    if (allNever) {
      return "Never";
    }
    boolean anyAlways = processes.stream().anyMatch(p -> effectivePolicy(p) == RestartPolicy.Always);
    return anyAlways ? "Always" : "OnFailure";
  }

  static PodSpec podSpec(ProcService service, String agentImage) {
    List<Container> containers = new ArrayList<>();
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      containers.add(container(p));
    }
    List<Container> sidecars = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName(RUNTIME_VOLUME).withNewEmptyDir().endEmptyDir().build());
    if (agentImage != null && AgentSidecar.needed(service)) {
      sidecars.add(AgentSidecar.container(service, agentImage));
      volumes.add(AgentSidecar.tokenVolume(service));
    }
    Integer grace = service.getSpec().getStopGracePeriodSeconds();
    return new PodSpecBuilder()
        .withInitContainers(sidecars)
        .withContainers(containers)
        .withRestartPolicy(podRestartPolicy(service.getSpec().getProcesses()))
        .withTerminationGracePeriodSeconds(grace == null ? 30L : grace.longValue())
        // No process needs the API: a token in the pod would only be something to steal.
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withSeccompProfile(new SeccompProfile(null, "RuntimeDefault"))
            .build())
        .withVolumes(volumes)
        .build();
  }

  private static Container container(ProcessSpec p) {
    List<EnvVar> env = new ArrayList<>();
    boolean userSetsRuntimeDir = false;
    for (EnvVarSpec e : nullSafe(p.getEnv())) {
      env.add(new EnvVar(e.getName(), e.getValue(), null));
      userSetsRuntimeDir |= RUNTIME_DIR_ENV.equals(e.getName());
    }
    if (!userSetsRuntimeDir) {
      env.add(0, new EnvVar(RUNTIME_DIR_ENV, RUNTIME_DIR, null));
    }
    List<ContainerPort> ports = new ArrayList<>();
    for (PortSpec port : nullSafe(p.getPorts())) {
      ports.add(new ContainerPortBuilder()
          .withName(blankToNull(port.getName()))
          .withContainerPort(port.getContainerPort())
          .withProtocol("TCP")
          .build());
    }
    return new ContainerBuilder()
        .withName(p.getName())
        .withImage(p.getImage())
        .withCommand(nullSafe(p.getCommand()))
        .withArgs(nullSafe(p.getArgs()))
        .withEnv(env)
        .withPorts(ports)
        .withWorkingDir(blankToNull(p.getWorkingDir()))
        .withVolumeMounts(new VolumeMountBuilder().withName(RUNTIME_VOLUME).withMountPath(RUNTIME_DIR).build())
        .withSecurityContext(new SecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withAllowPrivilegeEscalation(false)
            .withCapabilities(new Capabilities(null, List.of("ALL")))
            .withSeccompProfile(new SeccompProfile(null, "RuntimeDefault"))
            .build())
        .build();
  }

  private static RestartPolicy effectivePolicy(ProcessSpec p) {
    return p.getRestartPolicy() == null ? RestartPolicy.Always : p.getRestartPolicy();
  }

  private static String hash(PodSpec spec) {
    try {
      // fabric8's model serialises fields in a fixed order, so equal specs give equal JSON.
      byte[] json = Serialization.asJson(spec).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
