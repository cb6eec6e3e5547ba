package tf.ourworld.hero.procservice.findings;

import java.time.Instant;
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
 * @param escalatesAt while it fails and recovery.escalateAfterSeconds defers its restart: when the
 *     restart becomes due (the time it failed plus escalateAfterSeconds), else null
 */
public record ProbeFinding(ProbeKey key, ProbeSpec spec, ProbeState state, List<String> targets, String description,
    Instant escalatesAt) {
  public ProbeFinding {
    targets = List.copyOf(targets);
  }

  public ProbeFinding(ProbeKey key, ProbeSpec spec, ProbeState state, List<String> targets, String description) {
    this(key, spec, state, targets, description, null);
  }

  /** True while its restart is deferred by recovery.escalateAfterSeconds at {@code now}. */
  public boolean escalationPending(Instant now) {
    return escalatesAt != null && now.isBefore(escalatesAt);
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
