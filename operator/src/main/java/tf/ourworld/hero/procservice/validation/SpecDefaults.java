package tf.ourworld.hero.procservice.validation;

import java.util.ArrayList;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RestartPolicy;
import tf.ourworld.hero.procservice.model.RuntimeKind;

/**
 * Fills the CRD's defaults into a spec in place: an API server without structural defaulting (the
 * embedded one) or an explicit null leaves them unset, and the rest of the operator may rely on them.
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
      s.setStopGracePeriodSeconds(30);
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
        p.setInitialDelaySeconds(0);
      }
      if (p.getPeriodSeconds() == null) {
        p.setPeriodSeconds(10);
      }
      if (p.getTimeoutSeconds() == null) {
        p.setTimeoutSeconds(1);
      }
      if (p.getFailureThreshold() == null) {
        p.setFailureThreshold(3);
      }
      if (p.getSuccessThreshold() == null) {
        p.setSuccessThreshold(1);
      }
    }
    return s;
  }
}
