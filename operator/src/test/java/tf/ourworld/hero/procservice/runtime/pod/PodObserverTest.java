package tf.ourworld.hero.procservice.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.runtime.pod.Services.pod;
import static tf.ourworld.hero.procservice.runtime.pod.Services.process;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

class PodObserverTest {

  private static final String T0 = "2026-01-01T10:00:00Z";
  private static final String T1 = "2026-01-01T10:05:00Z";

  private final ProcService service = pod("ns", "svc", process("server", "img"), process("ui", "img"));

  private Pod podOf(int replacements) {
    Pod pod = PodTemplate.pod(service, replacements);
    pod.getMetadata().setUid("u1");
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .withPhase("Running").withPodIP("10.0.0.7").withStartTime(T0).build());
    return pod;
  }

  @Test
  void noPodMeansNotStarted() {
    assertThat(PodObserver.observe(service, null, null)).extracting(ProcessObservation::phase)
        .containsExactly(Phase.NotStarted, Phase.NotStarted);
  }

  @Test
  void pendingReplacementMeansStarting() {
    Instant since = Instant.parse(T1);
    assertThat(PodObserver.observe(service, null, since)).allSatisfy(p -> {
      assertThat(p.phase()).isEqualTo(Phase.Starting);
      assertThat(p.startTime()).isEqualTo(since);
    });
  }

  @Test
  void containerStatesBecomePhases() {
    Pod pod = podOf(2);
    pod.getStatus().setContainerStatuses(List.of(
        new ContainerStatusBuilder().withName("server").withRestartCount(3)
            .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(T1).endRunning().build())
            .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(137).withReason("OOMKilled")
                .withFinishedAt(T0).endTerminated().build())
            .build(),
        new ContainerStatusBuilder().withName("ui").withRestartCount(0)
            .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(1).withReason("Error")
                .withStartedAt(T0).withFinishedAt(T1).endTerminated().build())
            .build()));

    List<ProcessObservation> obs = PodObserver.observe(service, pod, null);

    ProcessObservation server = obs.get(0);
    assertThat(server.phase()).isEqualTo(Phase.Running);
    assertThat(server.pod()).isEqualTo("svc");
    assertThat(server.podIp()).isEqualTo("10.0.0.7");
    assertThat(server.startTime()).isEqualTo(Instant.parse(T1));
    assertThat(server.incarnation()).isEqualTo("u1/3");
    assertThat(server.runtimeRestarts()).as("kubelet restarts + replacements").isEqualTo(5);
    assertThat(server.lastExit().code()).isEqualTo(137);
    assertThat(server.lastExit().signal()).isEqualTo("SIGKILL");
    assertThat(server.lastExit().message()).isEqualTo("OOMKilled");
    assertThat(server.pid()).isNull();
    assertThat(server.adopted()).isFalse();

    ProcessObservation ui = obs.get(1);
    assertThat(ui.phase()).as("kubelet restarts it under restartPolicy Always").isEqualTo(Phase.Starting);
    assertThat(ui.lastExit().code()).isEqualTo(1);
    assertThat(ui.lastExit().signal()).isNull();
    assertThat(ui.lastExit().time()).isEqualTo(Instant.parse(T1));
    assertThat(ui.incarnation()).isEqualTo("u1/0");
    assertThat(ui.runtimeRestarts()).isEqualTo(2);
  }

  @ParameterizedTest(name = "pod {0}, exit {1} -> {2}")
  @CsvSource({
      "Always, 0, Starting",
      "Always, 1, Starting",
      "OnFailure, 1, Starting",
      "OnFailure, 0, Exited",
      "Never, 1, Exited",
      "Never, 0, Exited",
  })
  void terminatedContainerIsExitedOnlyWhenKubeletLeavesItDown(String policy, int code, Phase expected) {
    Pod pod = podOf(0);
    pod.getSpec().setRestartPolicy(policy);
    pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("server").withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(code).withFinishedAt(T1)
            .endTerminated().build()).build()));

    ProcessObservation server = PodObserver.observe(service, pod, null).get(0);

    assertThat(server.phase()).isEqualTo(expected);
    assertThat(server.lastExit().code()).isEqualTo(code);
  }

  @Test
  void waitingOrUnreportedContainersAreStarting() {
    Pod pod = podOf(0);
    pod.getStatus().setPhase("Pending");
    pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("server").withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating").endWaiting().build())
        .build()));
    assertThat(PodObserver.observe(service, pod, null)).extracting(ProcessObservation::phase)
        .containsExactly(Phase.Starting, Phase.Starting);
  }

  @Test
  void terminatingPodIsStopping() {
    Pod pod = podOf(0);
    pod.getMetadata().setDeletionTimestamp(T1);
    assertThat(PodObserver.observe(service, pod, null)).extracting(ProcessObservation::phase)
        .containsExactly(Phase.Stopping, Phase.Stopping);
  }

  @Test
  void failedPodWithoutStatusesIsExitedWithUnknownCode() {
    Pod pod = podOf(0);
    pod.getStatus().setPhase("Failed");
    pod.getStatus().setReason("Evicted");
    assertThat(PodObserver.observe(service, pod, null)).allSatisfy(p -> {
      assertThat(p.phase()).isEqualTo(Phase.Exited);
      assertThat(p.lastExit().code()).isNull();
      assertThat(p.lastExit().message()).isEqualTo("Evicted");
    });
  }

  @Test
  void signalFieldWinsOverExitCode() {
    var t = new ContainerStateBuilder().withNewTerminated().withExitCode(143).withSignal(15).endTerminated().build();
    assertThat(PodObserver.exit(t.getTerminated()).signal()).isEqualTo("SIGTERM");
    var plain = new ContainerStateBuilder().withNewTerminated().withExitCode(0).withReason("Completed").endTerminated().build();
    assertThat(PodObserver.exit(plain.getTerminated()).success()).isTrue();
  }

  @Test
  void garbledReplacementAnnotationCountsZero() {
    Pod pod = podOf(0);
    pod.getMetadata().getAnnotations().put(PodTemplate.ANNOTATION_REPLACEMENTS, "lots");
    assertThat(PodObserver.replacements(pod)).isZero();
  }
}
