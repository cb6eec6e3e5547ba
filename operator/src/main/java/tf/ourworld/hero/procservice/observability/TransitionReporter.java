package tf.ourworld.hero.procservice.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.ProbeFinding;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.status.FailingProbes;
import tf.ourworld.hero.procservice.reconcile.TransitionEvents;

/**
 * Turns the reconciler's status transitions and findings into Kubernetes Events, metrics and one
 * log line each: ProbeFailed when a probe instance crosses its threshold (per probe and, for Track,
 * per pod, with the finding's description), a Warning
 * with the reason when the service becomes Degraded otherwise (ProcessExited, ...), Restarting,
 * Recovered, RestartLimitExceeded, InvalidSpec (and the other Failed reasons); each once per
 * transition, never per probe run. A null recorder or metrics turns that part off. Never throws
 * into the reconciler.
 */
public final class TransitionReporter implements TransitionEvents {
  private static final Logger log = LoggerFactory.getLogger(TransitionReporter.class);
  // An EnumSet: contains(null) is false (a first status has no previous state); Set.of would throw.
  private static final Set<ServiceState> UNHEALTHY = java.util.EnumSet.of(ServiceState.Degraded, ServiceState.Failed);

  private final EventRecorder events;
  private final OperatorMetrics metrics;
  /** Services that were Degraded or Failed since they last ran, by uid: Recovered is due when they run again. */
  private final Map<String, Boolean> unhealthySinceRunning = new ConcurrentHashMap<>();

  /** One Event to write. */
  record Emitted(String type, String reason, String message) {
    static Emitted of(Reason reason, String message) {
      return new Emitted(reason.eventType(), reason.name(), message);
    }
  }

  public TransitionReporter(EventRecorder events, OperatorMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public void current(ProcService service, ProcServiceStatus status) {
    // An operator restart over healthy services writes nothing: the state gauges must still say so.
    if (metrics != null && status != null && status.getState() != null) {
      metrics.serviceState(namespace(service), name(service), status.getState());
    }
  }

  @Override
  public void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after,
      Findings findings) {
    try {
      if (after == null) {
        return;
      }
      if (metrics != null && after.getState() != null) {
        metrics.serviceState(namespace(service), name(service), after.getState());
      }
      ServiceState was = before == null ? null : before.getState();
      if (was != after.getState() || before == null || !Objects.equals(before.getReason(), after.getReason())) {
        log.atInfo().setMessage("service state changed").addKeyValue("event", "state_changed")
            .addKeyValue("namespace", namespace(service)).addKeyValue("name", name(service))
            .addKeyValue("from", was).addKeyValue("to", after.getState()).addKeyValue("reason", after.getReason())
            .addKeyValue("message", after.getMessage()).log();
      }
      List<Emitted> due = transitions(service.getMetadata().getUid(), before, after, findings);
      if (events != null) {
        for (Emitted e : due) {
          events.record(service, e.type(), e.reason(), e.message());
        }
      }
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("namespace", namespace(service)).addKeyValue("name", name(service))
          .addKeyValue("error", e.toString()).log("Cannot report a status transition");
    }
  }

  @Override
  public void restarting(ProcService service, String targets, String why) {
    try {
      log.atWarn().setMessage("restarting").addKeyValue("event", "restarting")
          .addKeyValue("namespace", namespace(service)).addKeyValue("name", name(service))
          .addKeyValue("targets", targets).addKeyValue("why", why).log();
      if (metrics != null) {
        for (String target : targets.split(",")) {
          if (!target.isBlank()) {
            metrics.restart(namespace(service), name(service), target.trim());
          }
        }
      }
      if (events != null) {
        events.record(service, Reason.Restarting,
            "Restarting " + targets + (why == null || why.isBlank() ? "" : ": " + why));
      }
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("namespace", namespace(service)).addKeyValue("name", name(service))
          .addKeyValue("error", e.toString()).log("Cannot report a restart");
    }
  }

  @Override
  public void forget(ProcService service) {
    if (metrics != null) {
      metrics.forget(namespace(service), name(service));
    }
    String uid = service.getMetadata().getUid();
    if (uid != null) {
      unhealthySinceRunning.remove(uid);
    }
  }

  /**
   * The Events a status change calls for: ProbeFailed for each probe instance of the findings that
   * fails now and did not in {@code before}; the state's own Warning otherwise; Recovered when it
   * runs again. {@code uid} keys the memory of past unhealthiness.
   */
  List<Emitted> transitions(String uid, ProcServiceStatus before, ProcServiceStatus after, Findings findings) {
    List<Emitted> out = new ArrayList<>();
    if (after == null || after.getState() == null) {
      return out;
    }
    ServiceState was = before == null ? null : before.getState();
    ServiceState now = after.getState();
    String key = uid == null ? "" : uid;
    boolean reasonChanged = was != now || before == null || !Objects.equals(before.getReason(), after.getReason());
    Reason reason = Reason.of(after.getReason());

    if (now == ServiceState.Failed && reasonChanged) {
      out.add(new Emitted(Reason.WARNING, reason == null ? Reason.InvalidSpec.name() : reason.name(), message(after)));
    }
    // ProbeFailed has its per-probe Events below; any other Degraded reason (ProcessExited, ...) is one Warning.
    if (now == ServiceState.Degraded && reasonChanged && after.getReason() != null && reason != Reason.ProbeFailed) {
      out.add(new Emitted(Reason.WARNING, after.getReason(), message(after)));
    }
    Set<ProbeKey> failedBefore = FailingProbes.in(before);
    for (ProbeFinding p : findings.probes()) {
      if (p.failing() && !failedBefore.contains(p.key())) {
        String d = p.description();
        out.add(Emitted.of(Reason.ProbeFailed, Character.toUpperCase(d.charAt(0)) + d.substring(1)));
      }
    }
    if (UNHEALTHY.contains(now)) {
      unhealthySinceRunning.put(key, Boolean.TRUE);
    } else if (now == ServiceState.Running) {
      // Remembered unhealthiness, or visible in the previous status (after an operator restart the memory is empty).
      boolean remembered = unhealthySinceRunning.remove(key) != null;
      if (remembered || UNHEALTHY.contains(was) || (before != null && Reason.of(before.getReason()) == Reason.Restarting)) {
        out.add(Emitted.of(Reason.Recovered, "Every process is up and every probe passes again"));
      }
    }
    return out;
  }

  private static String message(ProcServiceStatus s) {
    return s.getMessage() == null || s.getMessage().isBlank() ? Objects.requireNonNullElse(s.getReason(), "") : s.getMessage();
  }

  private static String namespace(ProcService s) {
    return Objects.requireNonNullElse(s.getMetadata().getNamespace(), "");
  }

  private static String name(ProcService s) {
    return s.getMetadata().getName();
  }
}
