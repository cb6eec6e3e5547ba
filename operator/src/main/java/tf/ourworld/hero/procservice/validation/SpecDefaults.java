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
    s.setRuntime(or(s.getRuntime(), RuntimeKind.Pod));
    s.setSuspend(or(s.getSuspend(), false));
    s.setProcesses(or(s.getProcesses(), new ArrayList<>()));
    s.setProbes(or(s.getProbes(), new ArrayList<>()));
    s.setStopGracePeriodSeconds(or(s.getStopGracePeriodSeconds(), ProcServiceSpec.DEFAULT_STOP_GRACE_PERIOD_SECONDS));
    s.setRecovery(or(s.getRecovery(), new RecoverySpec()));
    RecoverySpec recovery = s.getRecovery();
    recovery.setBackoff(or(recovery.getBackoff(), new BackoffSpec()));
    BackoffSpec backoff = recovery.getBackoff();
    backoff.setInitialSeconds(or(backoff.getInitialSeconds(), BackoffSpec.DEFAULT_INITIAL_SECONDS));
    backoff.setMaxSeconds(or(backoff.getMaxSeconds(), BackoffSpec.DEFAULT_MAX_SECONDS));
    recovery.setRestartLimit(or(recovery.getRestartLimit(), new RestartLimitSpec()));
    RestartLimitSpec limit = recovery.getRestartLimit();
    limit.setMaxRestarts(or(limit.getMaxRestarts(), RestartLimitSpec.DEFAULT_MAX_RESTARTS));
    limit.setWindowSeconds(or(limit.getWindowSeconds(), RestartLimitSpec.DEFAULT_WINDOW_SECONDS));
    for (ProcessSpec p : s.getProcesses()) {
      if (p == null) {
        continue;
      }
      p.setCommand(or(p.getCommand(), new ArrayList<>()));
      p.setArgs(or(p.getArgs(), new ArrayList<>()));
      p.setEnv(or(p.getEnv(), new ArrayList<>()));
      p.setPorts(or(p.getPorts(), new ArrayList<>()));
      p.setRestartPolicy(or(p.getRestartPolicy(), RestartPolicy.Always));
    }
    for (ProbeSpec p : s.getProbes()) {
      if (p == null) {
        continue;
      }
      p.setCritical(or(p.getCritical(), true));
      p.setInitialDelaySeconds(or(p.getInitialDelaySeconds(), ProbeSpec.DEFAULT_INITIAL_DELAY_SECONDS));
      p.setPeriodSeconds(or(p.getPeriodSeconds(), ProbeSpec.DEFAULT_PERIOD_SECONDS));
      p.setTimeoutSeconds(or(p.getTimeoutSeconds(), ProbeSpec.DEFAULT_TIMEOUT_SECONDS));
      p.setFailureThreshold(or(p.getFailureThreshold(), ProbeSpec.DEFAULT_FAILURE_THRESHOLD));
      p.setSuccessThreshold(or(p.getSuccessThreshold(), ProbeSpec.DEFAULT_SUCCESS_THRESHOLD));
    }
    return s;
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
