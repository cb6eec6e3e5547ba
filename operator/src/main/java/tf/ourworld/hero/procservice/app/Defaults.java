package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.probe.ProbeListener;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;

/** The production collaborators, for what the builder was not given. */
final class Defaults {
  private Defaults() {
  }

  static Function<ProbeListener, ProbeRunner> probeRunner(Function<ProbeListener, ProbeRunner> given,
      OperatorConfig config, Clock clock) {
    if (given != null) {
      return given;
    }
    throw new IllegalStateException("no probe runner available yet");
  }

  static List<WorkloadRuntime> runtimes(KubernetesClient client, OperatorConfig config, Clock clock) {
    return new ArrayList<>();
  }
}
