package tf.ourworld.hero.procservice.observability;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeObserver;

/**
 * The operator's Prometheus metrics: per-service state, probe results and latency, restarts,
 * reconciles, and the JVM's own metrics. Scraped on {@code /metrics} of {@link HealthServer}.
 *
 * <p>Exposed names (Prometheus text format): {@code procservice_state{namespace,name,state}},
 * {@code procservice_probe_total{namespace,name,probe,kind,result}},
 * {@code procservice_probe_last_duration_seconds{namespace,name,probe,kind}} (the latest run's latency),
 * {@code procservice_probe_duration_seconds{kind}} (histogram, all probes of a kind together),
 * {@code procservice_restarts_total{namespace,name,process}},
 * {@code procservice_reconcile_total{namespace,name,outcome}} and
 * {@code procservice_reconcile_duration_seconds{outcome}} (histogram) and
 * {@code procservice_probe_lag_seconds} (histogram: how late probes start, a sign of an overloaded scheduler).
 */
public final class OperatorMetrics implements ProbeObserver {
  static final String PROBE_DURATION = "procservice.probe.duration";
  static final String PROBE_LAG = "procservice.probe.lag";
  static final String RECONCILE_DURATION = "procservice.reconcile.duration";

  /**
   * Probe latency buckets: a handful, not Micrometer's ~70 default ones. The histogram is per kind,
   * not per probe: per probe it was 16 series per probe (320,000 at 10,000 services with two probes
   * each, most of a scrape) and the costliest meter to register; the latest latency of each probe is
   * a gauge, one series.
   */
  private static final Duration[] PROBE_BUCKETS = durations(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
  private static final Duration[] RECONCILE_BUCKETS = durations(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);

  private final PrometheusMeterRegistry registry;
  /** The series labelled with a service, served beside the registry's meters. */
  private final ServiceSeries series = new ServiceSeries();
  /** The latency histogram of each probe kind. */
  private final Map<String, Timer> probeDurations = new ConcurrentHashMap<>();
  /** The reconcile duration histogram of each outcome. */
  private final Map<String, Timer> reconcileDurations = new ConcurrentHashMap<>();
  private volatile Timer probeLag;

  /** A registry with the JVM binders (memory, GC, threads, class loading, CPU, uptime) bound. */
  public OperatorMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Uses the given registry, binding the JVM metrics to it. */
  public OperatorMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    registry.getPrometheusRegistry().register(series);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The registry, e.g. to hand to JOSDK's {@code MicrometerMetrics} or bind more meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter, as served on /metrics. */
  public String scrape() {
    return registry.scrape();
  }

  /** Sets the service's current state: its gauge for {@code state} reads 1, the others 0. */
  public void serviceState(ResourceID service, ServiceState state) {
    serviceState(namespaceOf(service), service.getName(), state);
  }

  /** Sets the service's current state: its gauge for {@code state} reads 1, the others 0. */
  public void serviceState(String namespace, String name, ServiceState state) {
    series.state(namespace, name, state);
  }

  /**
   * Counts one probe run and records its latency. Same shape as the probe package's
   * {@link ProbeObserver#onResult}, which delegates here.
   */
  public void probeResult(ResourceID service, String probe, String kind, boolean success, long latencyNanos) {
    probeResult(namespaceOf(service), service.getName(), probe, kind, success, latencyNanos);
  }

  @Override
  public void onResult(ResourceID service, String probe, String kind, boolean success, long latencyNanos) {
    probeResult(service, probe, kind, success, latencyNanos);
  }

  /** Records how late a probe run started after its planned time (one histogram for all probes). */
  @Override
  public void onStart(ResourceID service, String probe, long lagNanos) {
    Timer lag = probeLag;
    if (lag == null) {
      lag = Timer.builder(PROBE_LAG)
          .description("How long after its planned time a probe run started (timer delay plus queueing)")
          .serviceLevelObjectives(PROBE_BUCKETS)
          .register(registry);
      probeLag = lag;
    }
    lag.record(Math.max(0, lagNanos), TimeUnit.NANOSECONDS);
  }

  /** Counts one probe run and records its latency. */
  public void probeResult(String namespace, String name, String probe, String kind, boolean success, long latencyNanos) {
    ServiceSeries.Probe p = series.probe(namespace, name, probe, kind);
    long nanos = Math.max(0, latencyNanos);
    (success ? p.success : p.failure).increment();
    p.lastNanos.set(nanos);
    probeDurations.computeIfAbsent(kind, k -> Timer.builder(PROBE_DURATION)
            .description("Probe latency, from connect to verdict, all probes of one kind together")
            .tags("kind", k)
            .serviceLevelObjectives(PROBE_BUCKETS)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one restart of a process (or pod) made by the operator. */
  public void restart(String namespace, String name, String process) {
    series.restart(namespace, name, process);
  }

  /** Counts one reconcile and records its duration; {@code outcome} is e.g. success, error, invalid. */
  public void reconcile(String namespace, String name, long durationNanos, String outcome) {
    series.reconcile(namespace, name, outcome);
    // Without namespace/name: one histogram per service would multiply the series by ~12 buckets.
    reconcileDurations.computeIfAbsent(outcome, o -> Timer.builder(RECONCILE_DURATION)
            .description("Reconcile duration")
            .tags("outcome", o)
            .serviceLevelObjectives(RECONCILE_BUCKETS)
            .register(registry))
        .record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
  }

  /** Removes every series of a deleted service. */
  public void forget(String namespace, String name) {
    series.forget(namespace, name);
  }

  /** Removes every series of a deleted service. */
  public void forget(ResourceID service) {
    forget(namespaceOf(service), service.getName());
  }

  private static String namespaceOf(ResourceID id) {
    return id.getNamespace().orElse("");
  }

  private static Duration[] durations(double... seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos((long) (seconds[i] * 1_000_000_000L));
    }
    return out;
  }
}
