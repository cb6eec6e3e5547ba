package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.HandledAnnotations;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.recovery.RecoveryBook;
import tf.ourworld.hero.procservice.recovery.RecoveryNeeds;
import tf.ourworld.hero.procservice.recovery.RecoveryPlanner;
import tf.ourworld.hero.procservice.recovery.RestartTracker;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.SpecProblem;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
import tf.ourworld.hero.procservice.status.StatusCalculator;
import tf.ourworld.hero.procservice.status.StatusInputs;
import tf.ourworld.hero.procservice.status.StatusInputs.RecoveryView;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import tf.ourworld.hero.procservice.validation.SpecValidator;

/**
 * Orchestrates one ProcService: observe (runtime and probe states) → decide (validation, recovery)
 * → act (start, restart, stop, plan probes) → compute status → write it only when it changed.
 * Every collaborator comes in through the constructor; nothing slow runs here.
 */
public final class ProcServiceReconciler implements Reconciler<ProcService>, Cleaner<ProcService> {
  private static final Logger LOG = LoggerFactory.getLogger(ProcServiceReconciler.class);
  private static final Duration STOP_POLL = Duration.ofSeconds(1);
  private static final String REASON_LIMIT = "RestartLimitExceeded";

  private final RuntimeRegistry runtimes;
  private final ProbeRunner probes;
  private final SpecValidator validator;
  private final RecoveryPlanner planner;
  private final RecoveryBook recoveryBook;
  private final StatusCalculator calculator;
  private final StatusWriter writer;
  private final TransitionEvents events;
  private final List<EventSource<?, ProcService>> eventSources;
  private final Clock clock;

  public ProcServiceReconciler(RuntimeRegistry runtimes, ProbeRunner probes, SpecValidator validator,
      RecoveryPlanner planner, RecoveryBook recoveryBook, StatusCalculator calculator, StatusWriter writer,
      TransitionEvents events, List<EventSource<?, ProcService>> eventSources, Clock clock) {
    this.runtimes = runtimes;
    this.probes = probes;
    this.validator = validator;
    this.planner = planner;
    this.recoveryBook = recoveryBook;
    this.calculator = calculator;
    this.writer = writer;
    this.events = events;
    this.eventSources = List.copyOf(eventSources);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ProcService>> prepareEventSources(EventSourceContext<ProcService> context) {
    return eventSources;
  }

  @Override
  public UpdateControl<ProcService> reconcile(ProcService resource, Context<ProcService> context) {
    Instant now = clock.instant();
    ResourceID id = ResourceID.fromResource(resource);
    ProcServiceSpec spec = SpecDefaults.apply(resource.getSpec());
    ProcServiceStatus previous = resource.getStatus();
    RecoveryBook.Entry recovery = recoveryBook.of(id);
    RestartTracker tracker = recovery.tracker();
    HandledAnnotations handled = handledAnnotations(previous);

    String reset = annotation(resource, ProcService.ANNOTATION_RESET_FAILED);
    if (reset != null && !reset.equals(handled.getResetFailed())) {
      tracker.reset();
      recovery.restartedIncarnations().clear();
      handled.setResetFailed(reset);
      LOG.info("Reset-failed requested for {}/{}: restart window cleared", id.getNamespace().orElse(""), id.getName());
    } else if (previous != null && previous.getState() == ServiceState.Failed
        && REASON_LIMIT.equals(previous.getReason()) && !tracker.limitExceeded()) {
      tracker.markLimitExceeded(); // Failed survives an operator restart until reset
    }

    Optional<WorkloadRuntime> runtime = runtimes.get(spec.getRuntime());
    List<SpecProblem> problems = problems(spec, resource, runtime);
    RuntimeObservation observation = runtime.isPresent() && runtime.get().unavailableMessage() == null
        ? runtime.get().observe(resource) : RuntimeObservation.empty();
    Map<String, ProbeState> probeStates = Map.of();
    boolean stopping = false;

    if (!problems.isEmpty()) {
      probes.cancel(id); // an invalid spec touches no workload and is not retried
    } else if (Boolean.TRUE.equals(spec.getSuspend())) {
      probes.cancel(id);
      tracker.clearPending();
      stopping = !runtime.get().stop(resource);
      observation = runtime.get().observe(resource);
    } else {
      WorkloadRuntime rt = runtime.get();
      probeStates = probes.states(id);
      if (!tracker.limitExceeded()) {
        act(resource, spec, rt, observation, probeStates, recovery, now);
        observation = rt.observe(resource);
      }
      probes.plan(id, rt.plannedProbes(resource, observation));
      probeStates = probes.states(id);
    }

    String probeNow = annotation(resource, ProcService.ANNOTATION_PROBE_NOW);
    if (probeNow != null && !probeNow.equals(handled.getProbeNow())) {
      handled.setProbeNow(probeNow);
      if (problems.isEmpty()) {
        probes.runNow(id);
      }
    }

    ProcServiceStatus status = calculator.compute(new StatusInputs(spec, generation(resource), previous, problems,
        observation, probeStates, recoveryView(spec, recovery), stopping, emptyToNull(handled), now));
    if (writer.write(resource, status)) {
      events.statusChanged(resource, previous, status);
    }

    UpdateControl<ProcService> control = UpdateControl.noUpdate();
    Instant due = tracker.nextRestartTime();
    if (problems.isEmpty() && due != null) {
      control.rescheduleAfter(Math.max(50, Duration.between(clock.instant(), due).toMillis()));
    } else if (stopping) {
      control.rescheduleAfter(STOP_POLL.toMillis());
    }
    return control;
  }

  /** Starts what never ran, and restarts what needs it under backoff and the restart limit. */
  private void act(ProcService resource, ProcServiceSpec spec, WorkloadRuntime rt, RuntimeObservation observation,
      Map<String, ProbeState> probeStates, RecoveryBook.Entry recovery, Instant now) {
    if (rt.needsReplacement(resource, observation)) {
      // the template changed (a spec change, not a failure): replace at once, outside backoff and limit
      events.restarting(resource, "all processes", "the spec changed");
      rt.restart(resource, Set.of());
      return;
    }
    RecoveryNeeds needs = planner.needs(spec, observation, probeStates, recovery.restartedIncarnations());
    if (!needs.start().isEmpty()) {
      rt.start(resource, needs.start());
    }
    RestartTracker tracker = recovery.tracker();
    if (!needs.restartNeeded()) {
      tracker.clearPending();
      return;
    }
    RestartTracker.Decision decision = tracker.needRestart(spec.getRecovery(), now);
    if (decision instanceof RestartTracker.Decision.Now) {
      for (String target : needs.restart()) {
        observation.process(target).map(ProcessObservation::incarnation)
            .ifPresent(inc -> recovery.restartedIncarnations().put(target, inc));
      }
      events.restarting(resource, String.join(", ", needs.restart()), needs.why());
      rt.restart(resource, needs.restart());
      tracker.recordRestart(now);
      if (spec.getRuntime() == RuntimeKind.Track) {
        recovery.operatorRestarts().incrementAndGet();
      }
    }
  }

  private List<SpecProblem> problems(ProcServiceSpec spec, ProcService resource, Optional<WorkloadRuntime> runtime) {
    List<SpecProblem> out = new ArrayList<>();
    // A runtime this operator cannot run is said first: fixing the spec for it (a Pod's image under
    // `local`) would not help.
    String unavailable = runtimes.unavailableMessage(spec.getRuntime());
    if (unavailable != null || runtime.isEmpty()) {
      out.add(new SpecProblem("RuntimeUnavailable", unavailable));
      return out;
    }
    List<String> invalid = validator.validate(spec);
    if (!invalid.isEmpty()) {
      String more = invalid.size() > 1 ? " (and " + (invalid.size() - 1) + " more)" : "";
      out.add(SpecProblem.invalid(invalid.get(0) + more));
      return out;
    }
    out.addAll(runtime.get().check(resource));
    return out;
  }

  private static RecoveryView recoveryView(ProcServiceSpec spec, RecoveryBook.Entry recovery) {
    RestartTracker t = recovery.tracker();
    RestartLimitSpec limit = spec.getRecovery() == null ? null : spec.getRecovery().getRestartLimit();
    int max = limit == null || limit.getMaxRestarts() == null ? 5 : limit.getMaxRestarts();
    int window = limit == null || limit.getWindowSeconds() == null ? 600 : limit.getWindowSeconds();
    return new RecoveryView(t.nextRestartTime(), t.limitExceeded(), max, window, recovery.operatorRestarts().get());
  }

  @Override
  public DeleteControl cleanup(ProcService resource, Context<ProcService> context) {
    ResourceID id = ResourceID.fromResource(resource);
    probes.cancel(id);
    ProcServiceSpec spec = SpecDefaults.apply(resource.getSpec());
    Optional<WorkloadRuntime> runtime = runtimes.get(spec.getRuntime());
    if (runtime.isPresent() && runtime.get().unavailableMessage() == null) {
      if (!runtime.get().stop(resource)) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(STOP_POLL.toMillis());
      }
      runtime.get().forget(resource);
    }
    recoveryBook.forget(id);
    writer.forget(id);
    events.forget(resource);
    return DeleteControl.defaultDelete();
  }

  private static HandledAnnotations handledAnnotations(ProcServiceStatus previous) {
    HandledAnnotations h = new HandledAnnotations();
    if (previous != null && previous.getHandled() != null) {
      h.setProbeNow(previous.getHandled().getProbeNow());
      h.setResetFailed(previous.getHandled().getResetFailed());
    }
    return h;
  }

  private static HandledAnnotations emptyToNull(HandledAnnotations h) {
    return h.getProbeNow() == null && h.getResetFailed() == null ? null : h;
  }

  private static String annotation(ProcService resource, String key) {
    Map<String, String> a = resource.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static long generation(ProcService resource) {
    Long g = resource.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
