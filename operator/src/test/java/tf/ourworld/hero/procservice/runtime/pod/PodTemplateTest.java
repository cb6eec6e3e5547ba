package tf.ourworld.hero.procservice.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.runtime.pod.Services.env;
import static tf.ourworld.hero.procservice.runtime.pod.Services.pod;
import static tf.ourworld.hero.procservice.runtime.pod.Services.process;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;

class PodTemplateTest {

  private static ProcService foundry() {
    ProcessSpec server = env(process("server", "example.org/hero_foundry:1.4", new PortSpec("rpc", 8080)),
        "RUST_LOG", "info");
    server.setCommand(List.of("hero_foundry_server"));
    server.setArgs(List.of("--socket", "rpc.sock"));
    server.setWorkingDir("/work");
    ProcService s = pod("hero", "hero-foundry", server, process("ui", "example.org/hero_foundry_ui:1.4"));
    s.getMetadata().setUid("uid-1");
    s.getSpec().setStopGracePeriodSeconds(12);
    return s;
  }

  @Test
  void podMeetsPodSecurityRestricted() {
    PodSpec spec = PodTemplate.pod(foundry(), 0).getSpec();

    assertThat(spec.getAutomountServiceAccountToken()).isFalse();
    assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(spec.getContainers()).hasSize(2).allSatisfy(c -> {
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getSecurityContext().getPrivileged()).isNull();
    });
    // Restricted also forbids host namespaces, hostPath and host ports: none are ever set.
    assertThat(spec.getHostNetwork()).isNull();
    assertThat(spec.getHostPID()).isNull();
    assertThat(spec.getHostIPC()).isNull();
    assertThat(spec.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    assertThat(spec.getContainers()).flatMap(Container::getPorts).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
  }

  @Test
  void containersCarryTheProcessAndShareTheRuntimeDir() {
    Pod pod = PodTemplate.pod(foundry(), 0);
    Container server = pod.getSpec().getContainers().get(0);

    assertThat(server.getName()).isEqualTo("server");
    assertThat(server.getImage()).isEqualTo("example.org/hero_foundry:1.4");
    assertThat(server.getCommand()).containsExactly("hero_foundry_server");
    assertThat(server.getArgs()).containsExactly("--socket", "rpc.sock");
    assertThat(server.getWorkingDir()).isEqualTo("/work");
    assertThat(server.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("rpc");
      assertThat(p.getContainerPort()).isEqualTo(8080);
      assertThat(p.getProtocol()).isEqualTo("TCP");
    });
    assertThat(server.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PROCSERVICE_RUNTIME_DIR", "/run/procservice"),
            org.assertj.core.groups.Tuple.tuple("RUST_LOG", "info"));
    assertThat(pod.getSpec().getContainers()).allSatisfy(c -> assertThat(c.getVolumeMounts()).singleElement()
        .satisfies(m -> {
          assertThat(m.getName()).isEqualTo(PodTemplate.RUNTIME_VOLUME);
          assertThat(m.getMountPath()).isEqualTo("/run/procservice");
        }));
    assertThat(pod.getSpec().getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo(PodTemplate.RUNTIME_VOLUME);
      assertThat(v.getEmptyDir()).isNotNull();
    });
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(12L);
  }

  @Test
  void userRuntimeDirEnvWins() {
    ProcService s = pod("ns", "a", env(process("p", "img"), "PROCSERVICE_RUNTIME_DIR", "/elsewhere"));
    assertThat(PodTemplate.pod(s, 0).getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getValue).containsExactly("/elsewhere");
  }

  @Test
  void metadataNamesLabelsAndOwnsThePod() {
    Pod pod = PodTemplate.pod(foundry(), 3);

    assertThat(pod.getMetadata().getName()).isEqualTo("hero-foundry");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("hero");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "procservice-operator")
        .containsEntry("hero.ourworld.tf/procservice", "hero-foundry");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("hero.ourworld.tf/replacements", "3")
        .containsEntry("hero.ourworld.tf/template-hash", PodTemplate.templateHash(foundry()));
    OwnerReference owner = pod.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getApiVersion()).isEqualTo("hero.ourworld.tf/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("ProcService");
    assertThat(owner.getName()).isEqualTo("hero-foundry");
    assertThat(owner.getUid()).isEqualTo("uid-1");
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();
  }

  @Test
  void templateHashIsStableAndFollowsTheSpec() {
    String hash = PodTemplate.templateHash(foundry());
    assertThat(PodTemplate.templateHash(foundry())).isEqualTo(hash).hasSize(16);

    ProcService newImage = foundry();
    newImage.getSpec().getProcesses().get(0).setImage("example.org/hero_foundry:1.5");
    assertThat(PodTemplate.templateHash(newImage)).isNotEqualTo(hash);

    ProcService newEnv = foundry();
    newEnv.getSpec().getProcesses().get(1).getEnv().add(new tf.ourworld.hero.procservice.model.EnvVarSpec("X", "1"));
    assertThat(PodTemplate.templateHash(newEnv)).isNotEqualTo(hash);

    ProcService probesOnly = foundry();
    probesOnly.getSpec().getProbes().add(Services.http("rpc", "server", new io.fabric8.kubernetes.api.model.IntOrString(8080), "/"));
    assertThat(PodTemplate.templateHash(probesOnly)).as("probes are not part of the pod").isEqualTo(hash);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "Always, Always",
      "OnFailure, OnFailure",
      "Never, Never",
      "Never Never, Never",
      "Never Always, Always",
      "Never OnFailure, OnFailure",
      "OnFailure Always Never, Always",
      "OnFailure OnFailure, OnFailure",
  })
  void podRestartPolicyFollowsTheProcesses(String policies, String expected) {
    List<ProcessSpec> processes = Arrays.stream(policies.split(" ")).map(p -> {
      ProcessSpec spec = process("p", "img");
      spec.setRestartPolicy(RestartPolicy.valueOf(p));
      return spec;
    }).toList();
    assertThat(PodTemplate.podRestartPolicy(processes)).isEqualTo(expected);
  }

  @Test
  void unsetProcessPolicyCountsAsAlways() {
    ProcessSpec p = process("p", "img");
    p.setRestartPolicy(null);
    assertThat(PodTemplate.podRestartPolicy(List.of(p))).isEqualTo("Always");
  }

  static final String AGENT_IMAGE = "registry.example.org/hero/procservice-operator:0.1.0";

  private static ProcService withUnixProbes() {
    ProcService s = foundry();
    var ui = Services.http("ui", "ui", null, "/health");
    ui.getHttpGet().setUnixSocket("ui.sock");
    ui.setPeriodSeconds(2);
    var rpc = Services.http("rpc", "server", new io.fabric8.kubernetes.api.model.IntOrString("rpc"), "/");
    s.getSpec().getProbes().addAll(List.of(ui, rpc));
    return s;
  }

  @Test
  void theProbeAgentSidecarIsThereExactlyWhenAProbeNamesAUnixSocket() {
    assertThat(PodTemplate.pod(foundry(), 0, AGENT_IMAGE).getSpec().getInitContainers()).isEmpty();
    assertThat(PodTemplate.pod(withUnixProbes(), 0, null).getSpec().getInitContainers())
        .as("no agent image: no sidecar (and PodSpecCheck refuses the spec)").isEmpty();
    PodSpec spec = PodTemplate.pod(withUnixProbes(), 0, AGENT_IMAGE).getSpec();
    assertThat(spec.getInitContainers()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo(AgentSidecar.CONTAINER);
      assertThat(c.getImage()).isEqualTo(AGENT_IMAGE);
      assertThat(c.getRestartPolicy()).as("a native sidecar").isEqualTo("Always");
      assertThat(c.getArgs().get(0)).isEqualTo("probe-agent");
      assertThat(c.getPorts()).singleElement().satisfies(p -> {
        assertThat(p.getContainerPort()).isEqualTo(tf.ourworld.hero.procservice.probe.AgentProtocol.PORT);
        assertThat(p.getHostPort()).isNull();
      });
      assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts()).allSatisfy(m -> assertThat(m.getReadOnly()).isTrue())
          .extracting(m -> m.getMountPath()).containsExactlyInAnyOrder("/run/procservice", AgentSidecar.TOKEN_DIR);
    });
    assertThat(spec.getContainers()).as("the token is mounted in the sidecar only")
        .allSatisfy(c -> assertThat(c.getVolumeMounts()).extracting(m -> m.getName()).doesNotContain(AgentSidecar.TOKEN_VOLUME));
    assertThat(spec.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("hero-foundry-probe-agent"));
  }

  @Test
  void theAgentIsHandedOnlyTheUnixSocketProbesAndOnlyWhatItRuns() throws Exception {
    String probes = AgentSidecar.probesJson(withUnixProbes());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(probes);
    assertThat(json).hasSize(1);
    assertThat(json.get(0).get("name").asText()).isEqualTo("ui");
    assertThat(json.get(0).get("httpGet").get("unixSocket").asText()).isEqualTo("ui.sock");
    assertThat(json.get(0).has("periodSeconds")).as("thresholds and periods stay the operator's").isFalse();
    assertThat(PodTemplate.pod(withUnixProbes(), 0, AGENT_IMAGE).getSpec().getInitContainers().get(0).getArgs())
        .contains("--probes=" + probes);
  }

  @Test
  void changingAPeriodKeepsThePodChangingWhatTheAgentProbesReplacesIt() {
    String hash = PodTemplate.templateHash(withUnixProbes(), AGENT_IMAGE);
    ProcService period = withUnixProbes();
    period.getSpec().getProbes().get(0).setPeriodSeconds(7);
    period.getSpec().getProbes().get(0).setFailureThreshold(9);
    assertThat(PodTemplate.templateHash(period, AGENT_IMAGE)).isEqualTo(hash);
    ProcService path = withUnixProbes();
    path.getSpec().getProbes().get(0).getHttpGet().setPath("/ready");
    assertThat(PodTemplate.templateHash(path, AGENT_IMAGE)).isNotEqualTo(hash);
  }
}
