package tf.ourworld.hero.procservice.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.validation.SpecDefaults;

/** A restarted operator takes up the probe results of units that are still the same, and only those. */
class CarriedProbeStatesTest {
  static final Instant T0 = StatusCalculatorTest.T0;

  static ProcessObservation running(String name, long pid) {
    return new ProcessObservation(name, Phase.Running, pid, null, null, T0, name + "-" + pid, 0, null, false);
  }

  /** The status the last operator wrote: rpc passing on server (pid 100), ui failing on ui (pid 101). */
  static ProcServiceStatus written() {
    Map<ProbeKey, ProbeState> states = Map.of(
        ProbeKey.of("rpc"), new ProbeState(ProbeKey.of("rpc"), ProbeResult.Success, 0, null, T0, 1),
        ProbeKey.of("ui"), new ProbeState(ProbeKey.of("ui"), ProbeResult.Failure, 3, "HTTP 503", T0, 1));
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(running("server", 100), running("ui", 101)));
    return new StatusCalculator().compute(StatusCalculatorTest.at(StatusCalculatorTest.spec(), null, List.of(), obs,
        states, StatusInputs.RecoveryView.none(), T0, 1));
  }

  @Test
  void sameProcessesCarryTheirProbesResultsAndAStatusComputedFromThemIsTheSame() {
    ProcServiceStatus before = written();
    RuntimeObservation adopted = RuntimeObservation.ofProcesses(List.of(running("server", 100), running("ui", 101)));
    var spec = SpecDefaults.apply(StatusCalculatorTest.spec());
    Map<ProbeKey, ProbeState> carried = CarriedProbeStates.from(spec, UnitRules.DECLARED_PROCESSES, before, adopted);

    assertThat(carried).containsOnlyKeys(ProbeKey.of("rpc"), ProbeKey.of("ui"));
    assertThat(carried.get(ProbeKey.of("ui")).lastError()).isEqualTo("HTTP 503");
    ProcServiceStatus again = new StatusCalculator().compute(StatusCalculatorTest.at(spec, before, List.of(), adopted,
        carried, StatusInputs.RecoveryView.none(), T0.plusSeconds(600), 1));
    assertThat(StatusDiff.same(before, again)).as("no status write after an operator restart").isTrue();
  }

  @Test
  void aProcessThatChangedStartsFromUnknown() {
    RuntimeObservation restarted = RuntimeObservation.ofProcesses(List.of(running("server", 200), running("ui", 101)));
    Map<ProbeKey, ProbeState> carried = CarriedProbeStates.from(SpecDefaults.apply(StatusCalculatorTest.spec()),
        UnitRules.DECLARED_PROCESSES, written(), restarted);
    assertThat(carried).containsOnlyKeys(ProbeKey.of("ui"));
  }

  @Test
  void garbageOrNoStatusCarriesNothing() {
    ProcServiceStatus garbage = written();
    garbage.getProbes().forEach(p -> p.setResult("Bogus"));
    RuntimeObservation obs = RuntimeObservation.ofProcesses(List.of(running("server", 100), running("ui", 101)));
    var spec = SpecDefaults.apply(StatusCalculatorTest.spec());
    assertThat(CarriedProbeStates.from(spec, UnitRules.DECLARED_PROCESSES, garbage, obs)).isEmpty();
    assertThat(CarriedProbeStates.from(spec, UnitRules.DECLARED_PROCESSES, null, obs)).isEmpty();
    assertThat(FindingsCollector.collect(spec, UnitRules.DECLARED_PROCESSES, obs, Map.of()).anyPending()).isTrue();
  }
}
