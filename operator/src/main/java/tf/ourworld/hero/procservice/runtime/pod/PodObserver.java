package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * Turns a service's pod (as the informer cache has it) into one {@link ProcessObservation} per
 * process. Pure: it never calls the API.
 */
public final class PodObserver {

  /** Signal names for exit codes 128+n, as container runtimes report a signal death. */
  private static final Map<Integer, String> SIGNALS = Map.ofEntries(
      Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
      Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"),
      Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"));

  private PodObserver() {
  }

  /**
   * The processes of the service.
   *
   * @param pod the service's pod, or null when there is none
   * @param startPendingSince when the runtime committed to create the pod that is missing (a
   *     replacement waiting for the old pod to go), or null: processes then show Starting since
   *     then, not NotStarted
   */
  public static List<ProcessObservation> observe(ProcService service, Pod pod, Instant startPendingSince) {
    List<ProcessObservation> result = new ArrayList<>();
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      if (pod == null) {
        result.add(startPendingSince != null
            ? new ProcessObservation(p.getName(), Phase.Starting, null, null, null, startPendingSince, null,
                0, null, false)
            : ProcessObservation.notStarted(p.getName()));
      } else {
        result.add(container(p.getName(), pod));
      }
    }
    return result;
  }

  /** How often the operator replaced this pod, from its annotation (0 when absent or garbled). */
  public static int replacements(Pod pod) {
    if (pod == null || pod.getMetadata().getAnnotations() == null) {
      return 0;
    }
    String v = pod.getMetadata().getAnnotations().get(PodTemplate.ANNOTATION_REPLACEMENTS);
    try {
      return v == null ? 0 : Math.max(0, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** True once the API server has been asked to delete the pod. */
  public static boolean terminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** The container's status in the pod, or null when kubelet has not reported it yet. */
  public static ContainerStatus containerStatus(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName())).findFirst().orElse(null);
  }

  /** Changes whenever the pod is replaced or kubelet restarts the container. */
  public static String incarnation(Pod pod, ContainerStatus status) {
    int restarts = status == null || status.getRestartCount() == null ? 0 : status.getRestartCount();
    return pod.getMetadata().getUid() + "/" + restarts;
  }

  private static ProcessObservation container(String name, Pod pod) {
    ContainerStatus status = containerStatus(pod, name);
    String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String podName = pod.getMetadata().getName();
    int kubeletRestarts = status == null || status.getRestartCount() == null ? 0 : status.getRestartCount();
    int restarts = kubeletRestarts + replacements(pod);
    String incarnation = incarnation(pod, status);
    Exit previous = status == null || status.getLastState() == null ? null : exit(status.getLastState().getTerminated());
    ContainerState state = status == null ? null : status.getState();

    if (terminating(pod)) {
      return new ProcessObservation(name, Phase.Stopping, null, podName, podIp,
          startTime(state, pod), incarnation, restarts, previous, false);
    }
    if (state != null && state.getRunning() != null) {
      return new ProcessObservation(name, Phase.Running, null, podName, podIp,
          parse(state.getRunning().getStartedAt()), incarnation, restarts, previous, false);
    }
    String podPhase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (state != null && state.getTerminated() != null) {
      ContainerStateTerminated t = state.getTerminated();
      // Kubelet restarts the container itself when the pod's restartPolicy says so: it is on its
      // way back (Starting), and a pod replacement on top would only fight kubelet.
      Phase phase = kubeletRestarts(pod, podPhase, t) ? Phase.Starting : Phase.Exited;
      return new ProcessObservation(name, phase, null, podName, podIp,
          parse(t.getStartedAt()), incarnation, restarts, exit(t), false);
    }
    if (state == null && ("Failed".equals(podPhase) || "Succeeded".equals(podPhase))) {
      // The pod ended without reporting this container (evicted, node lost): the exit is unknown.
      Instant at = parse(pod.getStatus().getStartTime());
      return new ProcessObservation(name, Phase.Exited, null, podName, podIp, at, incarnation, restarts,
          new Exit(null, null, null, pod.getStatus().getReason()), false);
    }
    // Waiting (image pull, container creating, CrashLoopBackOff) or not yet reported.
    return new ProcessObservation(name, Phase.Starting, null, podName, podIp,
        pod.getStatus() == null ? null : parse(pod.getStatus().getStartTime()), incarnation, restarts,
        previous, false);
  }

  private static boolean kubeletRestarts(Pod pod, String podPhase, ContainerStateTerminated t) {
    if ("Failed".equals(podPhase) || "Succeeded".equals(podPhase)) {
      return false;
    }
    String policy = pod.getSpec() == null || pod.getSpec().getRestartPolicy() == null
        ? "Always" : pod.getSpec().getRestartPolicy();
    return "Always".equals(policy)
        || ("OnFailure".equals(policy) && (t.getExitCode() == null || t.getExitCode() != 0));
  }

  private static Instant startTime(ContainerState state, Pod pod) {
    if (state != null && state.getRunning() != null) {
      return parse(state.getRunning().getStartedAt());
    }
    return pod.getStatus() == null ? null : parse(pod.getStatus().getStartTime());
  }

  static Exit exit(ContainerStateTerminated t) {
    if (t == null) {
      return null;
    }
    Integer code = t.getExitCode();
    String signal = null;
    if (t.getSignal() != null && t.getSignal() > 0) {
      signal = SIGNALS.getOrDefault(t.getSignal(), "SIG" + t.getSignal());
    } else if (code != null && code > 128 && SIGNALS.containsKey(code - 128)) {
      signal = SIGNALS.get(code - 128);
    }
    // The reason (Error, OOMKilled, Completed) only: a termination message is written by the
    // process itself and may hold anything, so it stays out of status.
    return new Exit(code, signal, parse(t.getFinishedAt()), t.getReason());
  }

  private static Instant parse(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
