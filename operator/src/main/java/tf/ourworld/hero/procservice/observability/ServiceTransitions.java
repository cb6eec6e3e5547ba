package tf.ourworld.hero.procservice.observability;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.reconcile.TransitionEvents;

/**
 * Turns status transitions into Kubernetes Events, metrics and one log line each: an Event when the
 * state or its reason changes (never one per probe run), a Restarting Event per restart.
 */
public final class ServiceTransitions implements TransitionEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceTransitions.class);
  private static final Set<String> SPEC_REASONS = Set.of("InvalidSpec", "CommandNotAllowed", "CommandNotFound",
      "RuntimeUnavailable");

  private final EventRecorder recorder;
  private final OperatorMetrics metrics;

  public ServiceTransitions(EventRecorder recorder, OperatorMetrics metrics) {
    this.recorder = recorder;
    this.metrics = metrics;
  }

  @Override
  public void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after) {
    ResourceID id = ResourceID.fromResource(service);
    if (metrics != null && after.getState() != null) {
      metrics.serviceState(id, after.getState());
    }
    ServiceState was = before == null ? null : before.getState();
    String wasReason = before == null ? null : before.getReason();
    if (was == after.getState() && Objects.equals(wasReason, after.getReason())) {
      return;
    }
    LOG.atInfo().setMessage("service state changed").addKeyValue("event", "state_changed")
        .addKeyValue("namespace", id.getNamespace().orElse("")).addKeyValue("name", id.getName())
        .addKeyValue("from", was).addKeyValue("to", after.getState()).addKeyValue("reason", after.getReason())
        .addKeyValue("message", after.getMessage()).log();
    if (recorder == null) {
      return;
    }
    String reason = after.getReason();
    if (after.getState() == ServiceState.Failed && "RestartLimitExceeded".equals(reason)) {
      recorder.record(service, EventReason.RestartLimitExceeded, after.getMessage());
    } else if (after.getState() == ServiceState.Failed && SPEC_REASONS.contains(reason)) {
      recorder.record(service, EventRecorder.WARNING, reason, after.getMessage());
    } else if (after.getState() == ServiceState.Degraded && "ProbeFailed".equals(reason)) {
      recorder.record(service, EventReason.ProbeFailed, after.getMessage());
    } else if (after.getState() == ServiceState.Degraded) {
      recorder.record(service, EventRecorder.WARNING, reason, after.getMessage());
    } else if (after.getState() == ServiceState.Running && (was == ServiceState.Degraded || was == ServiceState.Failed
        || "Restarting".equals(wasReason))) {
      recorder.record(service, EventReason.Recovered, after.getMessage());
    }
  }

  @Override
  public void restarting(ProcService service, String targets, String why) {
    ResourceID id = ResourceID.fromResource(service);
    LOG.atWarn().setMessage("restarting").addKeyValue("event", "restarting")
        .addKeyValue("namespace", id.getNamespace().orElse("")).addKeyValue("name", id.getName())
        .addKeyValue("targets", targets).addKeyValue("why", why).log();
    if (metrics != null) {
      for (String t : targets.split(", ")) {
        metrics.restart(id.getNamespace().orElse(""), id.getName(), t);
      }
    }
    if (recorder != null) {
      recorder.record(service, EventReason.Restarting, "Restarting " + targets + (why == null ? "" : ": " + why));
    }
  }

  @Override
  public void forget(ProcService service) {
    if (metrics != null) {
      metrics.forget(ResourceID.fromResource(service));
    }
  }
}
