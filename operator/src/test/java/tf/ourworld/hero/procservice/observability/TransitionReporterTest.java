package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.runtime.UnitRules;

/** The first status of a service without probes goes straight to Running: nothing to report, nothing thrown. */
class TransitionReporterTest {
  static final Findings NONE = Findings.none(UnitRules.DECLARED_PROCESSES);

  @Test
  void aServiceThatIsRunningAtItsFirstStatusNeedsNoEventAndThrowsNothing() {
    TransitionReporter reporter = new TransitionReporter(null, null);
    ProcServiceStatus running = new ProcServiceStatus();
    running.setState(ServiceState.Running);
    running.setReason("ProcessesRunning");
    running.setProbesReady("0/0");
    assertThat(reporter.transitions("uid-1", null, running, NONE)).isEmpty();
    running.setProbes(List.of());
    assertThat(reporter.transitions("uid-2", null, running, NONE)).isEmpty();
  }

  @Test
  void anUnchangedStatusStillSetsTheStateGauge() {
    // after an operator restart over a healthy service nothing is written, and the gauge must say Running
    OperatorMetrics metrics = new OperatorMetrics();
    TransitionReporter reporter = new TransitionReporter(null, metrics);
    ProcService service = new ProcService();
    service.setMetadata(new ObjectMetaBuilder().withNamespace("hero").withName("hero-foundry").build());
    ProcServiceStatus running = new ProcServiceStatus();
    running.setState(ServiceState.Running);
    reporter.current(service, running);
    assertThat(PrometheusText.parse(metrics.scrape())
        .value("procservice_state", "namespace", "hero", "name", "hero-foundry", "state", "Running")).contains(1.0);
  }
}
