package tf.ourworld.hero.procservice.local;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests the embedded API answered, by verb, resource, subresource and code, served at
 * {@code /metrics} under kube-apiserver's own name {@code apiserver_request_total}: so the status
 * writes of a benchmark are counted the same way on the embedded API and on a real one.
 */
final class ApiRequestCounter {
  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  private record Key(String verb, String resource, String subresource, int code) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return toString().compareTo(o.toString());
    }
  }

  /** Counts one answered request; {@code rp} null for a path that is not a resource (discovery, /version). */
  void count(String method, ResourcePath rp, int code) {
    String verb = rp != null && rp.isWatch() ? "WATCH" : method;
    String resource = rp == null || rp.plural() == null ? "" : rp.plural();
    String subresource = rp == null || rp.subresource() == null ? "" : rp.subresource();
    counts.computeIfAbsent(new Key(verb, resource, subresource, code), k -> new LongAdder()).increment();
  }

  /** The counts in the Prometheus text format. */
  String prometheusText() {
    StringBuilder b = new StringBuilder()
        .append("# HELP apiserver_request_total Requests answered by the embedded API, by verb, resource, subresource and code.\n")
        .append("# TYPE apiserver_request_total counter\n");
    new TreeMap<>(counts).forEach((k, v) -> b.append("apiserver_request_total{verb=\"").append(k.verb())
        .append("\",resource=\"").append(k.resource()).append("\",subresource=\"").append(k.subresource())
        .append("\",code=\"").append(k.code()).append("\"} ").append(v.sum()).append('\n'));
    return b.toString();
  }
}
