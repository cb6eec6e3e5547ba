package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.probe.ProbeListener;
import tf.ourworld.hero.procservice.probe.ProbeObserver;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.probe.ProbeScheduler;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
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

  static List<WorkloadRuntime> runtimes(KubernetesClient client, OperatorConfig config, Clock clock) {
    List<WorkloadRuntime> out = new ArrayList<>();
    out.add(new ProcessRuntime(config, clock));
    return out;
  }
}
