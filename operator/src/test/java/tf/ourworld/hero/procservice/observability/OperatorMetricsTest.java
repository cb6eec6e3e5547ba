package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ServiceState;

class OperatorMetricsTest {
  private final OperatorMetrics metrics = new OperatorMetrics();

  private PrometheusText scrape() {
    return PrometheusText.parse(metrics.scrape());
  }

  @Test
  void stateGaugeIsOneForTheCurrentStateOnly() {
    metrics.serviceState(new ResourceID("hero-foundry", "hero"), ServiceState.Running);
    metrics.serviceState("hero", "hero-foundry", ServiceState.Degraded);

    PrometheusText out = scrape();
    assertThat(out.types()).containsEntry("procservice_state", "gauge");
    for (ServiceState s : ServiceState.values()) {
      assertThat(out.value("procservice_state", "namespace", "hero", "name", "hero-foundry", "state", s.name()))
          .as("state %s", s).contains(s == ServiceState.Degraded ? 1.0 : 0.0);
    }
  }

  @Test
  void probeResultsAreCountedByResultWithTheLatestLatencyAndAHistogramByKind() {
    ResourceID svc = new ResourceID("hero-foundry", "hero");
    metrics.probeResult(svc, "rpc", "openRpc", true, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.probeResult(svc, "rpc", "openRpc", false, TimeUnit.MILLISECONDS.toNanos(700));
    metrics.probeResult(svc, "rpc", "openRpc", false, TimeUnit.MILLISECONDS.toNanos(20));
    metrics.probeResult("other", "svc", "rpc", "openRpc", true, TimeUnit.MILLISECONDS.toNanos(4));
    metrics.probeResult("other", "svc", "web", "httpGet", true, TimeUnit.MILLISECONDS.toNanos(2));

    PrometheusText out = scrape();
    String[] probe = {"namespace", "hero", "name", "hero-foundry", "probe", "rpc", "kind", "openRpc"};
    assertThat(out.types()).containsEntry("procservice_probe_total", "counter")
        .containsEntry("procservice_probe_last_duration_seconds", "gauge")
        .containsEntry("procservice_probe_duration_seconds", "histogram");
    assertThat(out.value("procservice_probe_total", with(probe, "result", "failure"))).contains(2.0);
    assertThat(out.value("procservice_probe_total", with(probe, "result", "success"))).contains(1.0);
    assertThat(out.value("procservice_probe_last_duration_seconds", probe)).contains(0.02);
    // one histogram per kind, every probe of that kind in it; no per-probe buckets
    String[] openRpc = {"kind", "openRpc"};
    assertThat(out.value("procservice_probe_duration_seconds_bucket", with(openRpc, "le", "0.005"))).contains(2.0);
    assertThat(out.value("procservice_probe_duration_seconds_bucket", with(openRpc, "le", "0.025"))).contains(3.0);
    assertThat(out.value("procservice_probe_duration_seconds_bucket", with(openRpc, "le", "+Inf"))).contains(4.0);
    assertThat(out.value("procservice_probe_duration_seconds_count", openRpc)).contains(4.0);
    assertThat(out.value("procservice_probe_duration_seconds_sum", openRpc)).contains(0.727);
    assertThat(out.value("procservice_probe_duration_seconds_count", "kind", "httpGet")).contains(1.0);
    assertThat(out.samples()).filteredOn(s -> s.name().startsWith("procservice_probe_duration_seconds"))
        .allMatch(s -> !s.labels().containsKey("name"));
  }

  @Test
  void isTheProbeObserverTheSchedulerReportsTo() {
    tf.ourworld.hero.procservice.probe.ProbeObserver observer = metrics;
    ResourceID svc = new ResourceID("hero-foundry", "hero");
    observer.onStart(svc, "rpc", TimeUnit.MILLISECONDS.toNanos(2));
    observer.onResult(svc, "rpc", "tcpSocket", true, 1000);

    PrometheusText out = scrape();
    assertThat(out.types()).containsEntry("procservice_probe_lag_seconds", "histogram");
    assertThat(out.value("procservice_probe_lag_seconds_count")).contains(1.0);
    assertThat(out.value("procservice_probe_total", "namespace", "hero", "name", "hero-foundry", "probe", "rpc",
        "kind", "tcpSocket", "result", "success")).contains(1.0);
  }

  @Test
  void restartsAndReconcilesAreCounted() {
    metrics.restart("hero", "hero-foundry", "ui");
    metrics.restart("hero", "hero-foundry", "ui");
    metrics.reconcile("hero", "hero-foundry", TimeUnit.MILLISECONDS.toNanos(12), "success");
    metrics.reconcile("hero", "hero-foundry", TimeUnit.MILLISECONDS.toNanos(12), "success");
    metrics.reconcile("hero", "hero-foundry", TimeUnit.MILLISECONDS.toNanos(40), "error");

    PrometheusText out = scrape();
    assertThat(out.types()).containsEntry("procservice_restarts_total", "counter")
        .containsEntry("procservice_reconcile_total", "counter")
        .containsEntry("procservice_reconcile_duration_seconds", "histogram");
    assertThat(out.value("procservice_restarts_total", "namespace", "hero", "name", "hero-foundry", "process", "ui"))
        .contains(2.0);
    assertThat(out.value("procservice_reconcile_total", "namespace", "hero", "name", "hero-foundry", "outcome", "success"))
        .contains(2.0);
    assertThat(out.value("procservice_reconcile_total", "namespace", "hero", "name", "hero-foundry", "outcome", "error"))
        .contains(1.0);
    assertThat(out.value("procservice_reconcile_duration_seconds_count", "outcome", "success")).contains(2.0);
    assertThat(out.value("procservice_reconcile_duration_seconds_count", "outcome", "error")).contains(1.0);
  }

  @Test
  void jvmMetricsAreExposed() {
    PrometheusText out = scrape();
    assertThat(out.has("jvm_memory_used_bytes")).isTrue();
    assertThat(out.has("jvm_threads_live_threads")).isTrue();
    assertThat(out.has("jvm_gc_pause_seconds_count") || out.types().containsKey("jvm_gc_pause_seconds")
        || out.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
    assertThat(out.has("process_uptime_seconds")).isTrue();
  }

  @Test
  void forgetRemovesEverySeriesOfTheService() {
    metrics.serviceState("hero", "gone", ServiceState.Running);
    metrics.probeResult("hero", "gone", "http", "httpGet", true, 1000);
    metrics.restart("hero", "gone", "server");
    metrics.reconcile("hero", "gone", 1000, "success");
    metrics.serviceState("hero", "kept", ServiceState.Running);

    metrics.forget("hero", "gone");

    PrometheusText out = scrape();
    assertThat(out.samples()).noneMatch(s -> "gone".equals(s.labels().get("name")));
    assertThat(out.value("procservice_state", "namespace", "hero", "name", "kept", "state", "Running")).contains(1.0);
    // A service coming back under the same name starts afresh.
    metrics.serviceState("hero", "gone", ServiceState.Starting);
    assertThat(scrape().value("procservice_state", "namespace", "hero", "name", "gone", "state", "Starting")).contains(1.0);
    // and so do its probe meters, which are kept between runs: not the forgotten ones, counted on
    metrics.probeResult("hero", "gone", "http", "httpGet", false, 1000);
    assertThat(scrape().value("procservice_probe_total", "namespace", "hero", "name", "gone", "probe", "http",
        "kind", "httpGet", "result", "failure")).contains(1.0);
    assertThat(scrape().value("procservice_probe_total", "namespace", "hero", "name", "gone", "probe", "http",
        "kind", "httpGet", "result", "success")).contains(0.0);
    // and its reconcile counter, also kept between reconciles
    metrics.reconcile("hero", "gone", 1000, "success");
    metrics.reconcile("hero", "gone", 1000, "success");
    assertThat(scrape().value("procservice_reconcile_total", "namespace", "hero", "name", "gone", "outcome", "success"))
        .contains(2.0);
  }

  private static String[] with(String[] base, String key, String value) {
    String[] out = java.util.Arrays.copyOf(base, base.length + 2);
    out[base.length] = key;
    out[base.length + 1] = value;
    return out;
  }
}
