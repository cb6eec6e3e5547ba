package tf.ourworld.hero.procservice.observability;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * The series labelled with a service (state, probe runs and latest latency, restarts, reconciles),
 * kept as plain counters in one table and turned into Prometheus samples only when scraped.
 *
 * <p>They were Micrometer meters before: eleven per service with two probes, each an id, a tag
 * list, a meter and a Prometheus child, registered on a service's first reconcile and probe runs.
 * At a cold start of 10,000 services registering them was a tenth of the operator's Java CPU; here
 * a new service is a few map entries. The exposition is the same (names, labels, types, help).
 */
final class ServiceSeries implements MultiCollector {
  static final String STATE = "procservice_state";
  static final String PROBE = "procservice_probe";
  static final String PROBE_LAST_DURATION = "procservice_probe_last_duration_seconds";
  static final String RESTARTS = "procservice_restarts";
  static final String RECONCILE = "procservice_reconcile";

  private static final MetricMetadata STATE_META =
      new MetricMetadata(STATE, "1 for the state the ProcService is in, 0 for the others");
  private static final MetricMetadata PROBE_META = new MetricMetadata(PROBE, "Probe runs by result");
  private static final MetricMetadata PROBE_LAST_DURATION_META = new MetricMetadata(PROBE_LAST_DURATION,
      "The latency of the probe's latest run, from connect to verdict", Unit.SECONDS);
  private static final MetricMetadata RESTARTS_META = new MetricMetadata(RESTARTS, "Restarts made by the operator");
  private static final MetricMetadata RECONCILE_META = new MetricMetadata(RECONCILE, "Reconciles by outcome");

  private record Key(String namespace, String name) {
  }

  private record ProbeId(String probe, String kind) {
  }

  /** One probe's runs by result and its latest latency. */
  static final class Probe {
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final AtomicLong lastNanos = new AtomicLong();
  }

  /** Everything kept of one service. */
  private static final class Service {
    volatile ServiceState state;
    final Map<ProbeId, Probe> probes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> restarts = new ConcurrentHashMap<>();
    final Map<String, LongAdder> reconciles = new ConcurrentHashMap<>();
  }

  private final Map<Key, Service> services = new ConcurrentHashMap<>();

  private Service service(String namespace, String name) {
    return services.computeIfAbsent(new Key(namespace, name), k -> new Service());
  }

  void state(String namespace, String name, ServiceState state) {
    service(namespace, name).state = state;
  }

  /** The probe's counters, made on its first run; the caller may keep them. */
  Probe probe(String namespace, String name, String probe, String kind) {
    return service(namespace, name).probes.computeIfAbsent(new ProbeId(probe, kind), k -> new Probe());
  }

  void restart(String namespace, String name, String process) {
    service(namespace, name).restarts.computeIfAbsent(process == null ? "" : process, k -> new LongAdder()).increment();
  }

  void reconcile(String namespace, String name, String outcome) {
    service(namespace, name).reconciles.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  /** Drops every series of the service. */
  void forget(String namespace, String name) {
    services.remove(new Key(namespace, name));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(STATE, PROBE, PROBE_LAST_DURATION, RESTARTS, RECONCILE);
  }

  @Override
  public MetricSnapshots collect() {
    List<GaugeDataPointSnapshot> states = new ArrayList<>();
    List<CounterDataPointSnapshot> probeRuns = new ArrayList<>();
    List<GaugeDataPointSnapshot> probeLast = new ArrayList<>();
    List<CounterDataPointSnapshot> restarts = new ArrayList<>();
    List<CounterDataPointSnapshot> reconciles = new ArrayList<>();
    for (Map.Entry<Key, Service> e : services.entrySet()) {
      String ns = e.getKey().namespace();
      String name = e.getKey().name();
      Service s = e.getValue();
      ServiceState current = s.state;
      if (current != null) {
        for (ServiceState st : ServiceState.values()) {
          states.add(new GaugeDataPointSnapshot(st == current ? 1 : 0,
              Labels.of("name", name, "namespace", ns, "state", st.name()), null));
        }
      }
      for (Map.Entry<ProbeId, Probe> p : s.probes.entrySet()) {
        String probe = p.getKey().probe();
        String kind = p.getKey().kind();
        Probe v = p.getValue();
        probeRuns.add(counter(v.success.sum(), "kind", kind, "name", name, "namespace", ns, "probe", probe,
            "result", "success"));
        probeRuns.add(counter(v.failure.sum(), "kind", kind, "name", name, "namespace", ns, "probe", probe,
            "result", "failure"));
        probeLast.add(new GaugeDataPointSnapshot(Unit.nanosToSeconds(v.lastNanos.get()),
            Labels.of("kind", kind, "name", name, "namespace", ns, "probe", probe), null));
      }
      s.restarts.forEach((process, n) -> restarts.add(counter(n.sum(), "name", name, "namespace", ns, "process", process)));
      s.reconciles.forEach((outcome, n) -> reconciles.add(counter(n.sum(), "name", name, "namespace", ns, "outcome", outcome)));
    }
    List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new ArrayList<>();
    if (!states.isEmpty()) {
      out.add(new GaugeSnapshot(STATE_META, states));
    }
    if (!probeRuns.isEmpty()) {
      out.add(new CounterSnapshot(PROBE_META, probeRuns));
      out.add(new GaugeSnapshot(PROBE_LAST_DURATION_META, probeLast));
    }
    if (!restarts.isEmpty()) {
      out.add(new CounterSnapshot(RESTARTS_META, restarts));
    }
    if (!reconciles.isEmpty()) {
      out.add(new CounterSnapshot(RECONCILE_META, reconciles));
    }
    return new MetricSnapshots(out);
  }

  private static CounterDataPointSnapshot counter(double value, String... labels) {
    return new CounterDataPointSnapshot(value, Labels.of(labels), null, 0L);
  }
}
