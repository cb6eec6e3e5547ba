package tf.ourworld.hero.procservice.testing;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeTarget;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;

/** An in-memory runtime for reconciler tests: processes "run" once started, and can be made to exit. */
public final class FakeRuntime implements WorkloadRuntime {
  private final RuntimeKind kind;
  private final Map<String, ProcessObservation> processes = new ConcurrentHashMap<>();
  public final AtomicInteger starts = new AtomicInteger();
  public final AtomicInteger restarts = new AtomicInteger();
  public final AtomicInteger stops = new AtomicInteger();
  /** When set, start() throws it, as a runtime whose API call or file write fails. */
  public final java.util.concurrent.atomic.AtomicReference<RuntimeException> failStart =
      new java.util.concurrent.atomic.AtomicReference<>();
  private Consumer<ResourceID> trigger = id -> { };

  public FakeRuntime(RuntimeKind kind) {
    this.kind = kind;
  }

  private static String key(ProcService s, String process) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName() + "/" + process;
  }

  @Override
  public RuntimeKind kind() {
    return kind;
  }

  @Override
  public String unavailableMessage() {
    return null;
  }

  @Override
  public List<SpecProblem> check(ProcService service) {
    return List.of();
  }

  @Override
  public RuntimeObservation observe(ProcService service) {
    List<ProcessObservation> out = new ArrayList<>();
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      out.add(processes.getOrDefault(key(service, p.getName()), ProcessObservation.notStarted(p.getName())));
    }
    return RuntimeObservation.ofProcesses(out);
  }

  @Override
  public void start(ProcService service, Set<String> names) {
    RuntimeException failure = failStart.get();
    if (failure != null) {
      throw failure;
    }
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      if (names.isEmpty() || names.contains(p.getName())) {
        starts.incrementAndGet();
        processes.put(key(service, p.getName()), new ProcessObservation(p.getName(), Phase.Running, 1000L + starts.get(),
            null, null, Instant.parse("2026-11-28T00:00:00Z"), "inc-" + starts.get(), 0, null, false));
      }
    }
  }

  @Override
  public void restart(ProcService service, Set<String> names) {
    restarts.incrementAndGet();
    start(service, names);
  }

  /** Simulates a process exiting by itself. */
  public void exit(ProcService service, String process, int code) {
    ProcessObservation o = processes.get(key(service, process));
    processes.put(key(service, process), new ProcessObservation(process, Phase.Exited, null, null, null, o.startTime(),
        o.incarnation(), o.runtimeRestarts() + 1, new ProcessObservation.Exit(code, null, Instant.now(), null), false));
    trigger.accept(ResourceID.fromResource(service));
  }

  @Override
  public boolean stop(ProcService service) {
    stops.incrementAndGet();
    processes.keySet().removeIf(k -> k.startsWith(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName() + "/"));
    return true;
  }

  @Override
  public List<PlannedProbe> plannedProbes(ProcService service, RuntimeObservation observation) {
    List<PlannedProbe> out = new ArrayList<>();
    for (ProbeSpec p : service.getSpec().getProbes()) {
      out.add(new PlannedProbe(ProbeKey.of(p.getName()), p, new ProbeTarget("127.0.0.1", null, List.of(), Map.of(), null), "x"));
    }
    return out;
  }

  @Override
  public void onChange(Consumer<ResourceID> trigger) {
    this.trigger = trigger;
  }
}
