package tf.ourworld.hero.procservice.recovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.ProbeFinding;
import tf.ourworld.hero.procservice.findings.UnitFinding;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;

/**
 * Decides what a service needs from its {@link Findings}: units to start, and units to restart
 * (restartPolicy for exits; recovery.action for critical probes past their threshold). Pure;
 * backoff and limits are applied by the caller with a {@link RestartTracker}.
 */
public final class RecoveryPlanner {

  /**
   * @param restartedIncarnations incarnations the operator already restarted, by unit: a probe
   *     verdict about such an incarnation is stale and does not restart it again
   */
  public RecoveryNeeds needs(ProcServiceSpec spec, Findings findings, Map<String, String> restartedIncarnations) {
    return needs(spec, findings, restartedIncarnations, null);
  }

  /**
   * The same at {@code now}: a failing critical probe whose restart recovery.escalateAfterSeconds
   * defers (see {@link ProbeFinding#escalatesAt}) restarts nothing yet and only sets
   * {@link RecoveryNeeds#escalationDue}. A null {@code now} defers nothing.
   */
  public RecoveryNeeds needs(ProcServiceSpec spec, Findings findings, Map<String, String> restartedIncarnations,
      Instant now) {
    Set<String> start = new TreeSet<>();
    Set<String> restart = new TreeSet<>();
    List<String> why = new ArrayList<>();
    for (UnitFinding u : findings.units()) {
      if (findings.rules().declared() && u.neverStarted()) {
        start.add(u.name());
      } else if (u.restartable()) {
        restart.add(u.name());
        why.add(u.description());
      }
    }
    if (findings.rules().action(spec.getRecovery()) != RecoveryAction.Restart) {
      return new RecoveryNeeds(start, restart, why);
    }
    boolean oneAtATime = findings.rules().restartOneUnitAtATime();
    if (oneAtATime && findings.units().stream().anyMatch(u -> u.phase() != Phase.Running)) {
      return new RecoveryNeeds(start, restart, why); // while one unit is away, take no other
    }
    Instant escalation = null;
    for (ProbeFinding p : findings.failing(true)) {
      if (now != null && p.escalationPending(now)) {
        escalation = escalation == null || p.escalatesAt().isBefore(escalation) ? p.escalatesAt() : escalation;
        continue; // warn first: Degraded (and its Warning Event) until the probe is still failing then
      }
      Set<String> targets = new LinkedHashSet<>();
      for (String t : p.targets()) {
        findings.units().stream()
            .filter(u -> u.name().equals(t) && u.phase() == Phase.Running
                && !u.unit().incarnation().equals(restartedIncarnations.get(t)))
            .findFirst().ifPresent(u -> targets.add(u.name()));
      }
      if (!targets.isEmpty()) {
        restart.addAll(targets);
        why.add(p.description());
        if (oneAtATime) {
          return new RecoveryNeeds(start, Set.of(targets.iterator().next()), List.of(p.description()), escalation);
        }
      }
    }
    return new RecoveryNeeds(start, restart, why, escalation);
  }
}
