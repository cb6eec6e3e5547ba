package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Test stand-in for kubelet: every pod created without container statuses becomes Running on
 * 127.0.0.1 with one running container per spec container; crashes and container restarts can
 * be simulated.
 */
public final class FakeKubelet implements AutoCloseable {
  public static final String POD_IP = "127.0.0.1";

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;

  public FakeKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        run(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
      }
    });
  }

  private void run(Pod pod) {
    try {
      markRunning(pod);
    } catch (RuntimeException e) {
      // Shows in the test output; the test's await then fails with a clear condition.
      e.printStackTrace();
    }
  }

  private void markRunning(Pod pod) {
    if (pod.getStatus() != null && !pod.getStatus().getContainerStatuses().isEmpty()) {
      return;   // someone gave it a status already (a tracked pod made by the test)
    }
    String now = Instant.now().toString();
    List<ContainerStatus> statuses = new ArrayList<>();
    pod.getSpec().getContainers().forEach(c -> statuses.add(new ContainerStatusBuilder()
        .withName(c.getName()).withImage(c.getImage()).withReady(true).withRestartCount(0)
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build())
        .build()));
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .editStatus(p -> {
          if (p.getStatus() == null) {
            p.setStatus(new PodStatus());
          }
          p.getStatus().setPhase("Running");
          p.getStatus().setPodIP(POD_IP);
          p.getStatus().setStartTime(now);
          p.getStatus().setContainerStatuses(statuses);
          return p;
        });
  }

  /** The container ends with the exit code; kubelet has not restarted it (yet). */
  public void crash(String namespace, String pod, String container, int exitCode) {
    String now = Instant.now().toString();
    client.pods().inNamespace(namespace).withName(pod).editStatus(p -> {
      p.getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals(container)).forEach(s -> {
        s.setReady(false);
        s.setState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
            .withReason(exitCode == 137 ? "OOMKilled" : "Error").withStartedAt(now).withFinishedAt(now)
            .endTerminated().build());
      });
      return p;
    });
  }

  /** Kubelet restarted the container after it exited with the code: restartCount + 1. */
  public void restartContainer(String namespace, String pod, String container, int exitCode) {
    String now = Instant.now().toString();
    client.pods().inNamespace(namespace).withName(pod).editStatus(p -> {
      p.getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals(container)).forEach(s -> {
        s.setRestartCount(s.getRestartCount() + 1);
        s.setLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
            .withReason("Error").withFinishedAt(now).endTerminated().build());
        s.setState(new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build());
      });
      return p;
    });
  }

  @Override
  public void close() {
    informer.close();
  }
}
