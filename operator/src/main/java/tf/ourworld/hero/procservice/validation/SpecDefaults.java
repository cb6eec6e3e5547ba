package tf.ourworld.hero.procservice.validation;

import java.util.ArrayList;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;

/**
 * Fills the CRD's defaults into a spec in place: an API server without structural defaulting (the
 * embedded one) or an explicit null leaves them unset. Applied once, at the reconciler's edge: the
 * rest of the operator relies on every defaulted field being set and has no fallbacks of its own.
 * The values live in the model classes (their {@code DEFAULT_*} constants, which the CRD uses too).
 */
public final class SpecDefaults {
  private SpecDefaults() {
  }

  public static ProcServiceSpec apply(ProcServiceSpec spec) {
    ProcServiceSpec s = spec == null ? new ProcServiceSpec() : spec;
    if (s.getRuntime() == null) {
      s.setRuntime(RuntimeKind.Pod);
    }
    if (s.getSuspend() == null) {
      s.setSuspend(false);
    }
    if (s.getProcesses() == null) {
      s.setProcesses(new ArrayList<>());
    }
    if (s.getProbes() == null) {
      s.setProbes(new ArrayList<>());
    }
    if (s.getStopGracePeriodSeconds() == null) {
      s.setStopGracePeriodSeconds(ProcServiceSpec.DEFAULT_STOP_GRACE_PERIOD_SECONDS);
    }
    RecoverySpec recovery = s.getRecovery() == null ? new RecoverySpec() : s.getRecovery();
    s.setRecovery(recovery);
    BackoffSpec backoff = recovery.getBackoff() == null ? new BackoffSpec() : recovery.getBackoff();
    recovery.setBackoff(backoff);
    if (backoff.getInitialSeconds() == null) {
      backoff.setInitialSeconds(BackoffSpec.DEFAULT_INITIAL_SECONDS);
    }
    if (backoff.getMaxSeconds() == null) {
      backoff.setMaxSeconds(BackoffSpec.DEFAULT_MAX_SECONDS);
    }
    RestartLimitSpec limit = recovery.getRestartLimit() == null ? new RestartLimitSpec() : recovery.getRestartLimit();
    recovery.setRestartLimit(limit);
    if (limit.getMaxRestarts() == null) {
      limit.setMaxRestarts(RestartLimitSpec.DEFAULT_MAX_RESTARTS);
    }
    if (limit.getWindowSeconds() == null) {
      limit.setWindowSeconds(RestartLimitSpec.DEFAULT_WINDOW_SECONDS);
    }
    for (ProcessSpec p : s.getProcesses()) {
      if (p == null) {
        continue;
      }
      if (p.getCommand() == null) {
        p.setCommand(new ArrayList<>());
      }
      if (p.getArgs() == null) {
        p.setArgs(new ArrayList<>());
      }
      if (p.getEnv() == null) {
        p.setEnv(new ArrayList<>());
      }
      if (p.getPorts() == null) {
        p.setPorts(new ArrayList<>());
      }
      if (p.getRestartPolicy() == null) {
        p.setRestartPolicy(RestartPolicy.Always);
      }
    }
    for (ProbeSpec p : s.getProbes()) {
      if (p == null) {
        continue;
      }
      if (p.getCritical() == null) {
        p.setCritical(true);
      }
      if (p.getInitialDelaySeconds() == null) {
        p.setInitialDelaySeconds(ProbeSpec.DEFAULT_INITIAL_DELAY_SECONDS);
      }
      if (p.getPeriodSeconds() == null) {
        p.setPeriodSeconds(ProbeSpec.DEFAULT_PERIOD_SECONDS);
      }
      if (p.getTimeoutSeconds() == null) {
        p.setTimeoutSeconds(ProbeSpec.DEFAULT_TIMEOUT_SECONDS);
      }
      if (p.getFailureThreshold() == null) {
        p.setFailureThreshold(ProbeSpec.DEFAULT_FAILURE_THRESHOLD);
      }
      if (p.getSuccessThreshold() == null) {
        p.setSuccessThreshold(ProbeSpec.DEFAULT_SUCCESS_THRESHOLD);
      }
    }
    return s;
  }
}
