package tf.ourworld.hero.procservice.testing;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeListener;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.probe.ProbeState;

/** A probe runner whose results the test sets; for reconciler tests that are not about probing. */
public final class ScriptedProbes implements ProbeRunner {
  private final ProbeListener listener;
  private final Map<ResourceID, Map<ProbeKey, ProbeState>> states = new ConcurrentHashMap<>();
  public volatile int runNowCalls;

  public ScriptedProbes(ProbeListener listener) {
    this.listener = listener;
  }

  @Override
  public void plan(ResourceID service, List<PlannedProbe> probes) {
    Map<ProbeKey, ProbeState> m = states.computeIfAbsent(service, k -> new ConcurrentHashMap<>());
    probes.forEach(p -> m.putIfAbsent(p.key(), ProbeState.unknown(p.key())));
    m.keySet().retainAll(probes.stream().map(PlannedProbe::key).toList());
  }

  /** Sets a result and tells the listener, as the real scheduler does on a transition. */
  public void set(ResourceID service, String probe, ProbeResult result, int failures, String error) {
    set(service, probe, result, failures, error, Instant.parse("2026-11-28T00:00:00Z"));
  }

  /** The same, with the time the result changed (lastTransitionTime). */
  public void set(ResourceID service, String probe, ProbeResult result, int failures, String error, Instant at) {
    ProbeKey key = ProbeKey.parse(probe);
    Map<ProbeKey, ProbeState> m = states.computeIfAbsent(service, k -> new ConcurrentHashMap<>());
    ProbeState before = m.get(key);
    ProbeState after = new ProbeState(key, result, failures, error, at, 1);
    m.put(key, after);
    listener.onChange(service, before, after);
  }

  @Override
  public void cancel(ResourceID service) {
    states.remove(service);
  }

  @Override
  public void runNow(ResourceID service, String request) {
    runNowCalls++;
  }

  @Override
  public Map<ProbeKey, ProbeState> states(ResourceID service) {
    return new HashMap<>(states.getOrDefault(service, Map.of()));
  }

  @Override
  public int liveTasks() {
    return 0;
  }

  @Override
  public void close() {
  }
}
