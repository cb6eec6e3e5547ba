package tf.ourworld.hero.procservice.findings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProbeTargets;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;

/**
 * Works out the {@link Findings} of a service from its (defaulted) spec, the runtime's rules and
 * observation, and the probe states. Pure. The texts of exits and probe failures are made here
 * and nowhere else.
 */
public final class FindingsCollector {
  private FindingsCollector() {
  }

  public static Findings collect(ProcServiceSpec spec, UnitRules rules, RuntimeObservation observation,
      Map<ProbeKey, ProbeState> states) {
    List<UnitFinding> units = new ArrayList<>();
    List<ProbeFinding> probes = new ArrayList<>();
    if (rules.declared()) {
      for (ProcessSpec p : spec.getProcesses()) {
        ProcessObservation o = observation.process(p.getName()).orElse(ProcessObservation.notStarted(p.getName()));
        boolean down = isDown(o);
        String log = observation.logs().get(p.getName());
        units.add(new UnitFinding(o, down, down && restartsAfter(p.getRestartPolicy(), o.lastExit()),
            down ? describeDown(o) + (log != null ? " (log: " + log + ")" : "") : null));
      }
    } else {
      for (TrackedPod pod : observation.pods()) {
        units.add(new UnitFinding(pod.asUnit(), false, false, null));
      }
    }
    if (rules.probePerUnit()) {
      for (UnitFinding u : units) {
        if (u.phase() != Phase.Running) {
          continue; // a unit that does not run has no probe instances yet
        }
        for (ProbeSpec p : spec.getProbes()) {
          probes.add(finding(spec, rules, ProbeKey.on(p.getName(), u.name()), p, states, List.of(u.name())));
        }
      }
    } else {
      for (ProbeSpec p : spec.getProbes()) {
        probes.add(finding(spec, rules, ProbeKey.of(p.getName()), p, states, ProbeTargets.of(p, spec.getProcesses())));
      }
    }
    return new Findings(rules, observation, units, probes);
  }

  private static ProbeFinding finding(ProcServiceSpec service, UnitRules rules, ProbeKey key, ProbeSpec spec,
      Map<ProbeKey, ProbeState> states, List<String> targets) {
    ProbeState st = states.getOrDefault(key, ProbeState.unknown(key));
    return new ProbeFinding(key, spec, st, targets, st.failed() ? describeProbe(rules, key, st) : null,
        escalatesAt(service, rules, spec, st));
  }

  /**
   * recovery.escalateAfterSeconds: a critical probe that failed at T restarts its process only at
   * T + escalateAfterSeconds (its lastTransitionTime is when it failed, and a restart starts it over).
   */
  static Instant escalatesAt(ProcServiceSpec service, UnitRules rules, ProbeSpec spec, ProbeState st) {
    RecoverySpec recovery = service.getRecovery();
    if (recovery == null || recovery.getEscalateAfterSeconds() == null || !st.failed() || !spec.isCriticalProbe()
        || st.lastTransitionTime() == null || rules.action(recovery) != RecoveryAction.Restart) {
      return null;
    }
    return st.lastTransitionTime().plusSeconds(recovery.getEscalateAfterSeconds());
  }

  /** Exited, or stopped with a last exit to tell about. */
  static boolean isDown(ProcessObservation o) {
    return o.phase() == Phase.Exited || (o.phase() == Phase.NotStarted && o.lastExit() != null);
  }

  /** Whether the restartPolicy restarts a process after this exit (unknown exits count as failures). */
  static boolean restartsAfter(RestartPolicy policy, ProcessObservation.Exit exit) {
    return switch (policy == null ? RestartPolicy.Always : policy) {
      case Always -> true;
      case Never -> false;
      case OnFailure -> exit == null || !exit.success();
    };
  }

  static String describeDown(ProcessObservation o) {
    ProcessObservation.Exit e = o.lastExit();
    if (e == null) {
      return "process " + o.name() + " is not running";
    }
    if (e.code() == null) {
      return "process " + o.name() + " exited" + (e.message() != null ? " (" + e.message() + ")" : "");
    }
    return "process " + o.name() + " exited with code " + e.code() + (e.signal() != null ? " (" + e.signal() + ")" : "");
  }

  static String describeProbe(UnitRules rules, ProbeKey key, ProbeState st) {
    String text = st.flapping() != null && st.lastError() != null
        ? "probe " + key.probe() + " " + st.lastError() // flapping: 4 failures in 60s; last: ...
        : "probe " + key.probe() + " failed " + st.consecutiveFailures() + " times: "
            + (st.lastError() == null ? "unknown error" : st.lastError());
    return key.unit() == null ? text : rules.unitNoun() + " " + key.unit() + ": " + text;
  }
}
