package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.TrackedPod;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;

@EnableKubernetesMockClient(crud = true)
class TransitionReporterIT {
  static KubernetesClient client;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
  private final OperatorMetrics metrics = new OperatorMetrics();
  private EventRecorder recorder;
  private TransitionReporter reporter;
  private ProcService svc;

  @BeforeEach
  void setUp() {
    client.v1().events().inNamespace("hero").delete();
    client.resources(ProcService.class).inNamespace("hero").delete();
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName("hero-foundry").withNamespace("hero").build());
    svc = client.resource(p).create();
    recorder = new EventRecorder(client, clock, "operator-0");
    reporter = new TransitionReporter(recorder, metrics);
  }

  @AfterEach
  void tearDown() {
    recorder.close();
  }

  private static ProcServiceStatus status(ServiceState state, String reason, String message, ProbeStatus... probes) {
    ProcServiceStatus s = new ProcServiceStatus();
    s.setState(state);
    s.setReason(reason);
    s.setMessage(message);
    s.setProbes(List.of(probes));
    return s;
  }

  private static ProbeStatus probe(String name, String result, int failures, String error) {
    ProbeStatus p = new ProbeStatus();
    p.setName(name);
    p.setResult(result);
    p.setConsecutiveFailures(failures);
    p.setLastError(error);
    return p;
  }

  /** The findings a status like this one is computed from: its probes, as probe states. */
  private static Findings findingsOf(ProcServiceStatus status) {
    ProcServiceSpec spec = new ProcServiceSpec();
    Map<ProbeKey, ProbeState> states = new HashMap<>();
    List<ProbeSpec> probes = new ArrayList<>();
    for (ProbeStatus p : status.getProbes() == null ? List.<ProbeStatus>of() : status.getProbes()) {
      ProbeSpec ps = new ProbeSpec();
      ps.setName(p.getName());
      probes.add(ps);
      states.put(ProbeKey.of(p.getName()), new ProbeState(ProbeKey.of(p.getName()), ProbeResult.valueOf(p.getResult()),
          p.getConsecutiveFailures(), p.getLastError(), Instant.EPOCH, 1));
    }
    spec.setProbes(probes);
    return FindingsCollector.collect(SpecDefaults.apply(spec), UnitRules.DECLARED_PROCESSES, RuntimeObservation.empty(),
        states);
  }

  private List<String> events() {
    assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
    return client.v1().events().inNamespace("hero").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
        .map(e -> e.getType() + " " + e.getReason() + " x" + e.getCount() + ": " + e.getMessage()).toList();
  }

  /** Incident 2 of hero_proc issue 83: the ui handler returns empty replies, is restarted, recovers. */
  @Test
  void aFailingProbeRestartAndRecoveryAreThreeEventsNotOnePerProbe() {
    ProcServiceStatus running = status(ServiceState.Running, "AllProbesPassing", "2/2 probes passing",
        probe("rpc", "Success", 0, null), probe("ui", "Success", 0, null));
    ProcServiceStatus failing = status(ServiceState.Degraded, "ProbeFailed", "probe ui failed 3 times: empty reply",
        probe("rpc", "Success", 0, null), probe("ui", "Failure", 3, "GET unix:ui.sock/health: empty reply"));
    ProcServiceStatus stillFailing = status(ServiceState.Degraded, "ProbeFailed", "probe ui failed 4 times: empty reply",
        probe("rpc", "Success", 0, null), probe("ui", "Failure", 4, "GET unix:ui.sock/health: empty reply"));
    ProcServiceStatus restarting = status(ServiceState.Starting, "Restarting", "Restarting ui",
        probe("rpc", "Success", 0, null), probe("ui", "Unknown", 0, null));

    reporter.statusChanged(svc, null, running, findingsOf(running));
    reporter.statusChanged(svc, running, failing, findingsOf(failing));
    reporter.statusChanged(svc, failing, stillFailing, findingsOf(stillFailing));
    reporter.restarting(svc, "ui", "probe ui failed 3 times");
    reporter.statusChanged(svc, stillFailing, restarting, findingsOf(restarting));
    reporter.statusChanged(svc, restarting, running, findingsOf(running));

    assertThat(events()).containsExactly(
        "Warning ProbeFailed x1: Probe ui failed 3 times: GET unix:ui.sock/health: empty reply",
        "Normal Restarting x1: Restarting ui: probe ui failed 3 times",
        "Normal Recovered x1: Every process is up and every probe passes again");
    PrometheusText scraped = PrometheusText.parse(metrics.scrape());
    assertThat(scraped.value("procservice_state", "namespace", "hero", "name", "hero-foundry", "state", "Running")).contains(1.0);
    assertThat(scraped.value("procservice_restarts_total", "namespace", "hero", "name", "hero-foundry", "process", "ui"))
        .contains(1.0);
  }

  @Test
  void failedReasonsAreWarningsOnceEach() {
    ProcServiceStatus invalid = status(ServiceState.Failed, "InvalidSpec", "spec.processes[0].image: required for runtime Pod");
    ProcServiceStatus limit = status(ServiceState.Failed, "RestartLimitExceeded", "Restarted 5 times within 600s");

    reporter.statusChanged(svc, null, invalid, findingsOf(invalid));
    reporter.statusChanged(svc, invalid, invalid, findingsOf(invalid));
    reporter.statusChanged(svc, invalid, limit, findingsOf(limit));

    assertThat(events()).containsExactly(
        "Warning InvalidSpec x1: spec.processes[0].image: required for runtime Pod",
        "Warning RestartLimitExceeded x1: Restarted 5 times within 600s");
  }

  /** Incident 1: a child process dies (its ui.sock is gone). */
  @Test
  void aProcessExitIsAWarning() {
    ProcServiceStatus running = status(ServiceState.Running, "ProcessesRunning", "2/2 processes running");
    ProcServiceStatus exited = status(ServiceState.Degraded, "ProcessExited", "process ui exited with code 1");

    reporter.statusChanged(svc, running, exited, findingsOf(exited));
    reporter.statusChanged(svc, exited, exited, findingsOf(exited));

    assertThat(events()).containsExactly("Warning ProcessExited x1: process ui exited with code 1");
  }

  @Test
  void aRepeatedFlapWithinTheWindowIsCounted() {
    ProcServiceStatus ok = status(ServiceState.Running, "AllProbesPassing", "1/1", probe("ui", "Success", 0, null));
    ProcServiceStatus bad = status(ServiceState.Degraded, "ProbeFailed", "x", probe("ui", "Failure", 3, "HTTP 503"));
    for (int i = 0; i < 3; i++) {
      reporter.statusChanged(svc, ok, bad, findingsOf(bad));
      reporter.statusChanged(svc, bad, ok, findingsOf(ok));
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(events()).containsExactly(
        "Warning ProbeFailed x3: Probe ui failed 3 times: HTTP 503",
        "Normal Recovered x3: Every process is up and every probe passes again");
  }

  @Test
  void aSecondProbeFailingWhileDegradedIsItsOwnEventAndOtherDegradedReasonsAreWarnings() {
    ProcServiceStatus one = status(ServiceState.Degraded, "ProbeFailed", "x",
        probe("rpc", "Failure", 3, "timeout after 1s"), probe("ui", "Success", 0, null));
    ProcServiceStatus two = status(ServiceState.Degraded, "ProbeFailed", "x",
        probe("rpc", "Failure", 4, "timeout after 1s"), probe("ui", "Failure", 3, "HTTP 503"));
    ProcServiceStatus podGone = status(ServiceState.Degraded, "PodNotRunning", "pod hero-foundry is Pending");

    reporter.statusChanged(svc, null, one, findingsOf(one));
    reporter.statusChanged(svc, one, two, findingsOf(two));
    reporter.statusChanged(svc, two, podGone, findingsOf(podGone));

    assertThat(events()).containsExactly(
        "Warning ProbeFailed x1: Probe rpc failed 3 times: timeout after 1s",
        "Warning ProbeFailed x1: Probe ui failed 3 times: HTTP 503",
        "Warning PodNotRunning x1: pod hero-foundry is Pending");
  }

  @Test
  void recoveredIsSeenFromThePreviousStatusAfterAnOperatorRestart() {
    TransitionReporter fresh = new TransitionReporter(recorder, metrics);
    ProcServiceStatus running = status(ServiceState.Running, "AllProbesPassing", "1/1");
    fresh.statusChanged(svc, status(ServiceState.Starting, "Restarting", "Restarting ui"), running, findingsOf(running));
    assertThat(events()).containsExactly("Normal Recovered x1: Every process is up and every probe passes again");
  }

  /** Track keeps probe results per pod (status.pods[].probes, no status.probes): the Event names the pod. */
  @Test
  void aTrackProbeCrossingItsThresholdIsAWarningNamingThePod() {
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Track);
    ProbeSpec http = new ProbeSpec();
    http.setName("http");
    spec.setProbes(List.of(http));
    SpecDefaults.apply(spec);
    RuntimeObservation pods = RuntimeObservation.ofPods(List.of(new TrackedPod("web-1", "10.0.0.1", "Running", true, "u1"),
        new TrackedPod("web-2", "10.0.0.2", "Running", true, "u2")));
    ProbeKey onWeb2 = ProbeKey.on("http", "web-2");
    Map<ProbeKey, ProbeState> failing = Map.of(
        ProbeKey.on("http", "web-1"), new ProbeState(ProbeKey.on("http", "web-1"), ProbeResult.Success, 0, null, Instant.EPOCH, 1),
        onWeb2, new ProbeState(onWeb2, ProbeResult.Failure, 3, "HTTP 500", Instant.EPOCH, 1));
    Findings findings = FindingsCollector.collect(spec, UnitRules.TRACKED_PODS, pods, failing);
    ProcServiceStatus running = status(ServiceState.Running, "AllProbesPassing", "2/2");
    running.setProbes(null);
    ProcServiceStatus degraded = status(ServiceState.Degraded, "ProbeFailed", "pod web-2: probe http failed 3 times");
    degraded.setProbes(null);
    TrackedPodStatus web2 = new TrackedPodStatus();
    web2.setName("web-2");
    web2.setProbes(List.of(probe("http", "Failure", 3, "HTTP 500")));
    degraded.setPods(List.of(web2));

    reporter.statusChanged(svc, running, degraded, findings);
    // the same failure seen again, e.g. by a restarted operator reading the stored status: no second Event
    new TransitionReporter(recorder, metrics).statusChanged(svc, degraded, degraded, findings);

    assertThat(events()).containsExactly("Warning ProbeFailed x1: Pod web-2: probe http failed 3 times: HTTP 500");
  }

  @Test
  void withoutRecorderOrMetricsNothingBreaks() {
    TransitionReporter off = new TransitionReporter(null, null);
    ProcServiceStatus invalid = status(ServiceState.Failed, "InvalidSpec", "bad");
    off.statusChanged(svc, null, invalid, findingsOf(invalid));
    off.restarting(svc, "ui", "why");
    off.forget(svc);
    assertThat(events()).isEmpty();
  }

  @Test
  void forgetDropsTheServicesSeries() {
    ProcServiceStatus ok = status(ServiceState.Running, "AllProbesPassing", "ok");
    reporter.statusChanged(svc, null, ok, findingsOf(ok));
    reporter.forget(svc);
    assertThat(PrometheusText.parse(metrics.scrape()).samples())
        .noneMatch(s -> "hero-foundry".equals(s.labels().get("name")));
    List<Event> none = client.v1().events().inNamespace("hero").list().getItems();
    assertThat(none).isEmpty();
  }
}
