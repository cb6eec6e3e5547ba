package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.ProbeListener;
import tf.ourworld.hero.procservice.probe.ProbeObserver;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.probe.ProbeScheduler;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
import tf.ourworld.hero.procservice.runtime.pod.PodRuntime;
import tf.ourworld.hero.procservice.runtime.track.TrackRuntime;
import tf.ourworld.hero.procservice.runtime.process.ProcessRuntime;

/** The production collaborators, for what the builder was not given. */
final class Defaults {
  private Defaults() {
  }

  static Function<ProbeListener, ProbeRunner> probeRunner(Function<ProbeListener, ProbeRunner> given,
      OperatorConfig config, Clock clock, ProbeObserver observer) {
    if (given != null) {
      return given;
    }
    return listener -> new ProbeScheduler(config.probeConcurrency(), clock, listener, observer);
  }

  /** The runtimes not given to the builder: only those are built (a Pod runtime opens an informer). */
  static List<WorkloadRuntime> runtimes(KubernetesClient client, OperatorConfig config, Clock clock,
      Set<RuntimeKind> given) {
    List<WorkloadRuntime> out = new ArrayList<>();
    if (!given.contains(RuntimeKind.Process)) {
      out.add(new ProcessRuntime(config, clock));
    }
    if (!given.contains(RuntimeKind.Pod)) {
      out.add(new PodRuntime(client, config, clock));
    }
    if (!given.contains(RuntimeKind.Track)) {
      out.add(new TrackRuntime(client, config));
    }
    return out;
  }
}
