package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
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
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.findings.UnitFinding;
import tf.ourworld.hero.procservice.model.HandledAnnotations;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.recovery.RecoveryBook;
import tf.ourworld.hero.procservice.recovery.RecoveryNeeds;
import tf.ourworld.hero.procservice.recovery.RecoveryPlanner;
import tf.ourworld.hero.procservice.recovery.RestartRequest;
import tf.ourworld.hero.procservice.recovery.RestartTracker;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
import tf.ourworld.hero.procservice.status.CarriedProbeStates;
import tf.ourworld.hero.procservice.status.StatusCalculator;
import tf.ourworld.hero.procservice.status.StatusInputs;
import tf.ourworld.hero.procservice.status.StatusInputs.RecoveryView;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.validation.SpecValidator;

/**
 * Orchestrates one ProcService: observe (runtime and probe states) → decide (validation, recovery)
 * → act (start, restart, stop, plan probes) → compute status → write it only when it changed.
 * Every collaborator comes in through the constructor; nothing slow runs here.
 *
 * <p>Registered in JOSDK's all-events mode, so deletion runs through {@link #reconcile} too and the
 * finalizer is this class's choice per service: a service whose runtime must stop something before
 * it may go ({@link WorkloadRuntime#needsFinalizer()}) gets {@link ProcService#FINALIZER} before
 * anything is started for it; a Track service never gets one (no write spent on it).
 */
public final class ProcServiceReconciler implements Reconciler<ProcService> {
  private static final Logger LOG = LoggerFactory.getLogger(ProcServiceReconciler.class);
  private static final Duration STOP_POLL = Duration.ofSeconds(1);
  /**
   * After it started or restarted something, the reconciler looks again this soon: what the runtime
   * did is then observed and the next decision made (a start that failed at once is retried under
   * backoff), whether or not the runtime or a probe reports a change by then.
   */
  static final Duration LOOK_AGAIN_AFTER_ACTING = Duration.ofMillis(100);

  /** What act() did. */
  private enum Acted { NOTHING, STARTED, RESTARTED_ON_FAILURE }

  private final RuntimeRegistry runtimes;
  private final ProbeRunner probes;
  private final SpecValidator validator;
  private final RecoveryPlanner planner;
  private final RecoveryBook recoveryBook;
  private final StatusCalculator calculator;
  private final StatusWriter writer;
  private final TransitionEvents events;
  private final ReconcileRequests requests;
  private final Clock clock;
  private final FirstVerdictWait firstVerdict;

  public ProcServiceReconciler(RuntimeRegistry runtimes, ProbeRunner probes, SpecValidator validator,
      RecoveryPlanner planner, RecoveryBook recoveryBook, StatusCalculator calculator, StatusWriter writer,
      TransitionEvents events, ReconcileRequests requests, Clock clock) {
    this.runtimes = runtimes;
    this.probes = probes;
    this.validator = validator;
    this.planner = planner;
    this.recoveryBook = recoveryBook;
    this.calculator = calculator;
    this.writer = writer;
    this.events = events;
    this.requests = requests;
    this.clock = clock;
    this.firstVerdict = new FirstVerdictWait(requests);
  }

  @Override
  public List<EventSource<?, ProcService>> prepareEventSources(EventSourceContext<ProcService> context) {
    return List.of(requests.eventSource());
  }

  @Override
  public UpdateControl<ProcService> reconcile(ProcService resource, Context<ProcService> context) {
    requests.takenUp(ResourceID.fromResource(resource)); // before anything is read
    if (context.isPrimaryResourceDeleted() || context.isPrimaryResourceFinalStateUnknown()) {
      gone(resource);
      return UpdateControl.noUpdate();
    }
    if (resource.isMarkedForDeletion()) {
      return deleting(resource, context);
    }
    Instant now = clock.instant();
    ResourceID id = ResourceID.fromResource(resource);
    ProcServiceSpec spec = SpecDefaults.apply(resource.getSpec());
    ProcServiceStatus previous = resource.getStatus();
    Optional<WorkloadRuntime> runtime = runtimes.get(spec.getRuntime());
    UnitRules rules = runtime.map(WorkloadRuntime::unitRules).orElse(UnitRules.DECLARED_PROCESSES);
    RecoveryBook.Entry recovery = recoveryBook.of(id, previous, rules.operatorCountsRestarts());
    RestartTracker tracker = recovery.tracker();
    HandledAnnotations handled = handledAnnotations(previous);

    // observe
    String reset = HandledAnnotations.token(annotation(resource, ProcService.ANNOTATION_RESET_FAILED));
    if (reset != null && !reset.equals(handled.getResetFailed())) {
      tracker.reset();
      recovery.restartedIncarnations().clear();
      handled.setResetFailed(reset);
      LOG.info("Reset-failed requested for {}/{}: restart window cleared", id.getNamespace().orElse(""), id.getName());
    }
    List<SpecProblem> problems = problems(spec, resource, runtime);
    boolean stopping = false;
    Findings acted = null;
    boolean changedWorkload = false;

    // decide and act
    recovery.escalationDue().set(null); // act() sets it again while a deferred restart is pending
    if (!problems.isEmpty()) {
      probes.cancel(id); // an invalid spec touches no workload and is not retried
    } else if (Boolean.TRUE.equals(spec.getSuspend())) {
      probes.cancel(id);
      tracker.clearPending();
      stopping = !runtime.get().stop(resource) | stopOtherRuntimes(resource, spec.getRuntime());
    } else if (stopOtherRuntimes(resource, spec.getRuntime())) {
      // spec.runtime changed: the new runtime starts nothing until the old one's units are gone
      probes.cancel(id);
      stopping = true;
    } else {
      WorkloadRuntime rt = runtime.get();
      if (rt.needsFinalizer() && !resource.hasFinalizer(ProcService.FINALIZER)) {
        // before anything runs: a deletion then waits until it is stopped, even one made while we are down
        resource = PrimaryUpdateAndCacheUtils.addFinalizer(context, ProcService.FINALIZER);
      }
      if (restartOnRequest(resource, spec, rt, recovery, handled)) {
        changedWorkload = true;
      } else if (!tracker.limitExceeded()) {
        Findings before = findings(spec, rt, resource, id);
        Acted did = act(resource, spec, rt, before, recovery, now);
        if (did == Acted.RESTARTED_ON_FAILURE) {
          // a failure caused a restart: status shows that failure (and its Warning) now, the restart next
          acted = before;
        }
        changedWorkload = did != Acted.NOTHING;
      }
      RuntimeObservation after = rt.observe(resource);
      // A restarted operator takes up the probe results its status shows for units that are still the same.
      Map<ProbeKey, ProbeState> carried = probes.states(id).isEmpty()
          ? CarriedProbeStates.from(spec, rules, previous, after) : Map.of();
      probes.plan(id, rt.plannedProbes(resource, after), carried);
    }
    if (!problems.isEmpty() || Boolean.TRUE.equals(spec.getSuspend())) {
      restartNotDone(resource, handled); // nothing runs to restart: a later resume must not act on it
    }
    probeNow(resource, id, problems.isEmpty(), handled);

    // status
    Findings findings = acted != null ? acted
        : problems.isEmpty() ? findings(spec, runtime.get(), resource, id) : unitsOnly(runtime, resource);
    StatusInputs inputs = new StatusInputs(spec, generation(resource), previous, problems, findings,
        recoveryView(spec, recovery, acted != null), stopping, findings.observation().error(), emptyToNull(handled),
        now);
    ProcServiceStatus status = calculator.compute(inputs);
    Duration firstVerdictDue = firstVerdict.holdBack(id, previous, status, now);
    if (firstVerdictDue == null) {
      report(resource, inputs, status);
    } else {
      events.current(resource, status);
    }

    Long after = null;
    Instant due = recovery.nextRestartTime();
    Instant held = findings.heldAt(now, StatusCalculator.RESTART_HOLD);
    if (problems.isEmpty() && due != null) {
      after = Math.max(50, Duration.between(clock.instant(), due).toMillis());
    } else if (stopping) {
      after = STOP_POLL.toMillis();
    } else if (problems.isEmpty() && held != null) {
      after = Math.max(50, Duration.between(clock.instant(), held).toMillis());
    }
    if (changedWorkload) {
      after = sooner(after, LOOK_AGAIN_AFTER_ACTING.toMillis());
    }
    UpdateControl<ProcService> control = UpdateControl.noUpdate();
    if (after != null) {
      control.rescheduleAfter(after);
    }
    return control;
  }

  /**
   * A runtime call failed (the API refused, a file could not be written): the error becomes status
   * reason RuntimeError with its message, and JOSDK retries under its backoff; the next reconcile
   * that gets through clears it.
   */
  @Override
  public ErrorStatusUpdateControl<ProcService> updateErrorStatus(ProcService resource, Context<ProcService> context,
      Exception e) {
    try {
      ResourceID id = ResourceID.fromResource(resource);
      ProcServiceSpec spec = SpecDefaults.apply(resource.getSpec());
      Findings findings = Findings.none(UnitRules.DECLARED_PROCESSES);
      Optional<WorkloadRuntime> runtime = runtimes.get(spec.getRuntime());
      try {
        if (runtime.isPresent()) {
          findings = findings(spec, runtime.get(), resource, id);
        }
      } catch (RuntimeException observeFailed) {
        LOG.debug("Cannot observe {} after an error: {}", id, observeFailed.toString());
      }
      String message = RuntimeErrors.message(e);
      LOG.atWarn().setMessage("reconcile failed").addKeyValue("event", "reconcile_failed")
          .addKeyValue("namespace", id.getNamespace().orElse("")).addKeyValue("name", id.getName())
          .addKeyValue("error", message).log();
      report(resource, new StatusInputs(spec, generation(resource), resource.getStatus(), List.of(), findings,
          recoveryView(spec, recoveryBook.of(id)), false, message, emptyToNull(handledAnnotations(resource.getStatus())),
          clock.instant()));
    } catch (RuntimeException reportFailed) {
      LOG.warn("Cannot write the error status of {}: {}", resource.getMetadata().getName(), reportFailed.toString());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The one place findings are worked out: the runtime's units, its rules, the probe states. */
  private Findings findings(ProcServiceSpec spec, WorkloadRuntime rt, ProcService resource, ResourceID id) {
    return FindingsCollector.collect(spec, rt.unitRules(), rt.observe(resource), probes.states(id));
  }

  /** For a spec that will not run: only whether something of it is still alive, nothing read from the spec. */
  private static Findings unitsOnly(Optional<WorkloadRuntime> runtime, ProcService resource) {
    if (runtime.isEmpty() || runtime.get().unavailableMessage() != null) {
      return Findings.none(UnitRules.DECLARED_PROCESSES);
    }
    return new Findings(runtime.get().unitRules(), runtime.get().observe(resource), List.of(), List.of());
  }

  /** The sooner of a reschedule already chosen (null: none) and another. */
  private static long sooner(Long after, long millis) {
    return after == null ? millis : Math.min(after, millis);
  }

  private void report(ProcService resource, StatusInputs inputs) {
    report(resource, inputs, calculator.compute(inputs));
  }

  private void report(ProcService resource, StatusInputs inputs, ProcServiceStatus status) {
    if (writer.write(resource, status)) {
      events.statusChanged(resource, inputs.previous(), status, inputs.findings());
    }
    events.current(resource, status);
  }

  /**
   * Starts what never ran, and restarts what needs it under backoff and the restart limit; says
   * whether it started or restarted something, and whether that was a restart because of a failure.
   */
  private Acted act(ProcService resource, ProcServiceSpec spec, WorkloadRuntime rt, Findings findings,
      RecoveryBook.Entry recovery, Instant now) {
    if (rt.needsReplacement(resource, findings.observation())) {
      // the template changed (a spec change, not a failure): replace at once, outside backoff and limit
      events.restarting(resource, "all processes", "the spec changed");
      rt.restart(resource, Set.of());
      return Acted.STARTED;
    }
    RecoveryNeeds needs = planner.needs(spec, findings, recovery.restartedIncarnations(), now);
    recovery.escalationDue().set(needs.escalationDue());
    Acted started = Acted.NOTHING;
    if (!needs.start().isEmpty()) {
      rt.start(resource, needs.start());
      started = Acted.STARTED;
    }
    RestartTracker tracker = recovery.tracker();
    if (!needs.restartNeeded()) {
      tracker.clearPending();
      return started;
    }
    RestartTracker.Decision decision = tracker.needRestart(spec.getRecovery(), now);
    if (decision instanceof RestartTracker.Decision.Now) {
      for (UnitFinding u : findings.units()) {
        if (needs.restart().contains(u.name()) && u.unit().incarnation() != null) {
          recovery.restartedIncarnations().put(u.name(), u.unit().incarnation());
        }
      }
      events.restarting(resource, String.join(", ", needs.restart()), needs.why());
      rt.restart(resource, needs.restart());
      tracker.recordRestart(now);
      if (findings.rules().operatorCountsRestarts()) {
        recovery.operatorRestarts().incrementAndGet();
      }
      return Acted.RESTARTED_ON_FAILURE;
    }
    return started;
  }

  /**
   * The probe-now annotation: a new value runs every probe at once; once those runs ended,
   * status.handled.probeNowDone says so (with their results), so a client can wait for them.
   */
  private void probeNow(ProcService resource, ResourceID id, boolean probing, HandledAnnotations handled) {
    String probeNow = HandledAnnotations.token(annotation(resource, ProcService.ANNOTATION_PROBE_NOW));
    if (probeNow != null && !probeNow.equals(handled.getProbeNow())) {
      handled.setProbeNow(probeNow);
      if (probing) {
        probes.runNow(id, probeNow);
      } else {
        handled.setProbeNowDone(probeNow); // nothing to run: the status as it is answers
      }
    }
    String done = probes.runNowDone(id);
    if (done != null && done.equals(handled.getProbeNow())) {
      handled.setProbeNowDone(done);
    }
  }

  /**
   * The restart annotation: a new value restarts the processes it names (all when none) at once,
   * outside backoff and the restart window, counted and evented. Not while Failed: reset first.
   * Returns true when it restarted (nothing else acts in this reconcile).
   */
  private boolean restartOnRequest(ProcService resource, ProcServiceSpec spec, WorkloadRuntime rt,
      RecoveryBook.Entry recovery, HandledAnnotations handled) {
    String raw = annotation(resource, ProcService.ANNOTATION_RESTART);
    String value = HandledAnnotations.token(raw);
    if (value == null || value.equals(handled.getRestart())) {
      return false;
    }
    handled.setRestart(value);
    if (recovery.tracker().limitExceeded()) {
      LOG.info("Restart requested for {}/{} ignored: it is Failed, reset it first", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName());
      return false;
    }
    Set<String> declared = new java.util.HashSet<>();
    if (spec.getProcesses() != null) {
      spec.getProcesses().forEach(p -> declared.add(p.getName()));
    }
    RestartRequest request = RestartRequest.parse(raw);
    Set<String> targets = request.targets(declared);
    if (!request.processes().isEmpty() && targets.isEmpty()) {
      return false; // names none of its processes
    }
    events.restarting(resource, targets.isEmpty() ? "all processes" : String.join(", ", new java.util.TreeSet<>(targets)),
        "a restart was requested");
    rt.restart(resource, targets);
    recovery.tracker().clearPending();
    if (rt.unitRules().operatorCountsRestarts()) {
      recovery.operatorRestarts().incrementAndGet();
    }
    return true;
  }

  private static void restartNotDone(ProcService resource, HandledAnnotations handled) {
    String value = HandledAnnotations.token(annotation(resource, ProcService.ANNOTATION_RESTART));
    if (value != null) {
      handled.setRestart(value);
    }
  }

  private List<SpecProblem> problems(ProcServiceSpec spec, ProcService resource, Optional<WorkloadRuntime> runtime) {
    List<SpecProblem> out = new ArrayList<>();
    // A runtime this operator cannot run is said first: fixing the spec for it (a Pod's image under
    // `local`) would not help.
    String unavailable = runtimes.unavailableMessage(spec.getRuntime());
    if (unavailable != null || runtime.isEmpty()) {
      out.add(new SpecProblem(Reason.RuntimeUnavailable, unavailable));
      return out;
    }
    List<SpecProblem> invalid = validator.validate(spec);
    if (!invalid.isEmpty()) {
      String more = invalid.size() > 1 ? " (and " + (invalid.size() - 1) + " more)" : "";
      SpecProblem first = invalid.get(0);
      out.add(new SpecProblem(first.reason(), first.message() + more));
      return out;
    }
    out.addAll(runtime.get().check(resource));
    return out;
  }

  private static RecoveryView recoveryView(ProcServiceSpec spec, RecoveryBook.Entry recovery) {
    return recoveryView(spec, recovery, false);
  }

  private static RecoveryView recoveryView(ProcServiceSpec spec, RecoveryBook.Entry recovery, boolean restarting) {
    RestartTracker t = recovery.tracker();
    RestartLimitSpec limit = spec.getRecovery().getRestartLimit();
    return new RecoveryView(recovery.nextRestartTime(), t.limitExceeded(), limit.getMaxRestarts(), limit.getWindowSeconds(),
        recovery.operatorRestarts().get(), t.windowTimes(), restarting);
  }

  /**
   * Being deleted: stop everything, forget the service, and only then let it go (remove our
   * finalizer, when it has it). Until stopped, this runs again every STOP_POLL.
   */
  private UpdateControl<ProcService> deleting(ProcService resource, Context<ProcService> context) {
    if (!stopAndForget(resource)) {
      return UpdateControl.<ProcService>noUpdate().rescheduleAfter(STOP_POLL.toMillis());
    }
    if (resource.hasFinalizer(ProcService.FINALIZER)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, ProcService.FINALIZER);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Gone from the API: normally already stopped by {@link #deleting} (idempotent then). A service
   * without a finalizer (Track) is forgotten here; one whose finalizer was removed by hand while
   * something still ran is stopped here, and what is still stopping is finished by the orphan sweep
   * of the next operator start if this one dies first.
   */
  private void gone(ProcService resource) {
    if (!stopAndForget(resource)) {
      LOG.warn("{}/{} was deleted while its processes still ran (its finalizer was removed by hand): stopping them",
          resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    }
  }

  /**
   * Stops what runtimes other than {@code current} still run of the service and forgets it there:
   * after a change of {@code spec.runtime} the old runtime's processes or pods would otherwise run
   * on unsupervised. True while some are still stopping.
   */
  private boolean stopOtherRuntimes(ProcService resource, RuntimeKind current) {
    boolean stillStopping = false;
    for (WorkloadRuntime other : runtimes.all()) {
      if (other.kind() == current || other.unavailableMessage() != null || !other.holds(resource)) {
        continue;
      }
      if (other.stop(resource)) {
        other.forget(resource);
        LOG.atInfo().setMessage("spec.runtime is no longer this runtime: what it ran of the service is stopped")
            .addKeyValue("event", "runtime_changed").addKeyValue("namespace", resource.getMetadata().getNamespace())
            .addKeyValue("name", resource.getMetadata().getName()).addKeyValue("from", other.kind())
            .addKeyValue("to", current).log();
      } else {
        stillStopping = true;
      }
    }
    return stillStopping;
  }

  /** True once nothing of the service runs (under its runtime or one it had before) and the operator has forgotten it. */
  private boolean stopAndForget(ProcService resource) {
    ResourceID id = ResourceID.fromResource(resource);
    probes.cancel(id);
    ProcServiceSpec spec = SpecDefaults.apply(resource.getSpec());
    boolean stopped = !stopOtherRuntimes(resource, spec.getRuntime());
    Optional<WorkloadRuntime> runtime = runtimes.get(spec.getRuntime());
    if (runtime.isPresent() && runtime.get().unavailableMessage() == null) {
      if (!runtime.get().stop(resource)) {
        return false;
      }
      runtime.get().forget(resource);
    }
    if (!stopped) {
      return false;
    }
    recoveryBook.forget(id);
    writer.forget(id);
    firstVerdict.forget(id);
    requests.forget(id);
    events.forget(resource);
    return true;
  }

  private static HandledAnnotations handledAnnotations(ProcServiceStatus previous) {
    HandledAnnotations h = new HandledAnnotations();
    if (previous != null && previous.getHandled() != null) {
      h.setProbeNow(previous.getHandled().getProbeNow());
      h.setResetFailed(previous.getHandled().getResetFailed());
      h.setProbeNowDone(previous.getHandled().getProbeNowDone());
      h.setRestart(previous.getHandled().getRestart());
    }
    return h;
  }

  private static HandledAnnotations emptyToNull(HandledAnnotations h) {
    return h.getProbeNow() == null && h.getResetFailed() == null && h.getProbeNowDone() == null
        && h.getRestart() == null ? null : h;
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
