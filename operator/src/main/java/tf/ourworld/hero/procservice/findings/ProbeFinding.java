package tf.ourworld.hero.procservice.findings;

import java.util.List;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;

/**
 * What one probe instance means for the service.
 *
 * @param key the probe and, for per-unit probes, its unit
 * @param spec the probe as declared
 * @param state its current state (Unknown when not run yet)
 * @param targets the units it checks: its restart targets
 * @param description one line for status, Events and logs while it fails, else null
 *     ({@code probe rpc failed 2 times: empty reply}, {@code pod web-1: probe ...})
 */
public record ProbeFinding(ProbeKey key, ProbeSpec spec, ProbeState state, List<String> targets, String description) {
  public ProbeFinding {
    targets = List.copyOf(targets);
  }

  public boolean critical() {
    return spec.isCriticalProbe();
  }

  public boolean failing() {
    return state.failed();
  }

  public boolean passing() {
    return state.passing();
  }

  public boolean pending() {
    return state.result() == ProbeResult.Unknown;
  }
}
