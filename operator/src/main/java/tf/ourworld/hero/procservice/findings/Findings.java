package tf.ourworld.hero.procservice.findings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.UnitRules;

/**
 * Everything observed about one service, worked out once per reconcile: each unit and each probe
 * instance with what it means and one description. Recovery, status and Events all read these,
 * so a failure is described, counted and reported the same way everywhere. Immutable.
 *
 * @param rules the runtime's rules for its units
 * @param observation the runtime's snapshot the findings come from
 * @param units every unit, in spec order (declared) or by name (discovered)
 * @param probes every probe instance that applies now, in unit then spec order
 */
public record Findings(UnitRules rules, RuntimeObservation observation, List<UnitFinding> units,
    List<ProbeFinding> probes) {

  public Findings {
    units = List.copyOf(units);
    probes = List.copyOf(probes);
  }

  public static Findings none(UnitRules rules) {
    return new Findings(rules, RuntimeObservation.empty(), List.of(), List.of());
  }

  public List<UnitFinding> down() {
    return units.stream().filter(UnitFinding::down).toList();
  }

  public List<UnitFinding> inPhase(ProcessObservation.Phase phase) {
    return units.stream().filter(u -> u.phase() == phase).toList();
  }

  /** Declared units none of which ever started: a fresh service. */
  public boolean neverStarted() {
    return rules.declared() && units.stream().allMatch(UnitFinding::neverStarted);
  }

  public List<ProbeFinding> failing(boolean critical) {
    return probes.stream().filter(p -> p.failing() && p.critical() == critical).toList();
  }

  public boolean anyPending() {
    return probes.stream().anyMatch(ProbeFinding::pending);
  }

  public boolean criticalPending() {
    return probes.stream().anyMatch(p -> p.pending() && p.critical());
  }

  /** passing/total over the probe instances that apply now. */
  public String probesReady() {
    return probes.stream().filter(ProbeFinding::passing).count() + "/" + probes.size();
  }

  public Optional<ProbeFinding> probe(ProbeKey key) {
    return probes.stream().filter(p -> p.key().equals(key)).findFirst();
  }

  /**
   * When the last declared unit that was restarted has been up for {@code hold}: until then a
   * restart has not held, and a service without probes is not yet Running again. Null when every
   * unit that restarted has held (or none did).
   */
  public Instant heldAt(Instant now, Duration hold) {
    Instant latest = null;
    for (UnitFinding u : units) {
      ProcessObservation o = u.unit();
      boolean restarted = o.lastExit() != null || o.runtimeRestarts() > 0;
      if (rules.declared() && restarted && o.phase() == ProcessObservation.Phase.Running && o.startTime() != null) {
        Instant held = o.startTime().plus(hold);
        if (held.isAfter(now) && (latest == null || held.isAfter(latest))) {
          latest = held;
        }
      }
    }
    return latest;
  }

  public boolean nothingAlive() {
    return observation.nothingAlive();
  }

  /** Restarts the runtime made by itself (kubelet's container restarts, a process's restarts). */
  public int runtimeRestarts() {
    return units.stream().mapToInt(u -> u.unit().runtimeRestarts()).sum();
  }
}
