package tf.ourworld.hero.procservice.runtime.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/** The Process runtime's own checks of a spec: allow-list, working dirs, environment names. */
final class ProcessSpecCheck {
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ProcessSpecCheck() {
  }

  static List<SpecProblem> check(ProcService service, ExecAllowList allowList) {
    return check(service, allowList, EnvPolicy.defaults());
  }

  static List<SpecProblem> check(ProcService service, ExecAllowList allowList, EnvPolicy envPolicy) {
    List<SpecProblem> problems = new ArrayList<>();
    List<ProcessSpec> processes = service.getSpec().getProcesses();
    for (int i = 0; processes != null && i < processes.size(); i++) {
      ProcessSpec p = processes.get(i);
      String field = "spec.processes[" + i + "]";
      command(field + ".command", p.getCommand(), allowList, problems);
      RuntimeDirs.workingDirProblem(p.getWorkingDir())
          .ifPresent(why -> problems.add(SpecProblem.invalid(field + ".workingDir: " + why)));
      List<EnvVarSpec> env = p.getEnv();
      for (int j = 0; env != null && j < env.size(); j++) {
        String envField = field + ".env[" + j + "].name";
        Optional<SpecProblem> bad = envName(envField, env.get(j).getName());
        if (bad.isPresent()) {
          problems.add(bad.get());
        } else if (envPolicy.refusedBy(env.get(j).getName()).isPresent()) {
          problems.add(new SpecProblem(EnvPolicy.REASON, envPolicy.message(envField, env.get(j).getName())));
        }
        if (hasNul(env.get(j).getValue())) {
          // The value itself is never echoed: it may be a secret.
          problems.add(SpecProblem.invalid(field + ".env[" + j + "].value: contains a NUL character"));
        }
      }
      List<String> args = p.getArgs();
      for (int j = 0; args != null && j < args.size(); j++) {
        if (hasNul(args.get(j))) {
          problems.add(SpecProblem.invalid(field + ".args[" + j + "]: contains a NUL character"));
        }
      }
    }
    List<ProbeSpec> probes = service.getSpec().getProbes() == null ? List.of() : service.getSpec().getProbes();
    for (int j = 0; probes != null && j < probes.size(); j++) {
      ProbeSpec probe = probes.get(j);
      if (probe.getExec() != null) {
        command("spec.probes[" + j + "].exec.command", probe.getExec().getCommand(), allowList, problems);
      }
    }
    return problems;
  }

  /** True when every process and exec probe of the spec is allowed and well-formed. */
  static boolean ok(ProcService service, ExecAllowList allowList, EnvPolicy envPolicy) {
    return check(service, allowList, envPolicy).isEmpty();
  }

  static boolean hasNul(String s) {
    return s != null && s.indexOf('\0') >= 0;
  }

  private static void command(String field, List<String> command, ExecAllowList allowList, List<SpecProblem> out) {
    if (command == null || command.isEmpty()) {
      out.add(SpecProblem.invalid(field + ": must not be empty: runtime Process needs command[0]"));
      return;
    }
    ExecAllowList.Resolution r = allowList.resolve(command.get(0));
    if (!r.allowed()) {
      out.add(r.problem(field + "[0]"));
    }
    for (int i = 1; i < command.size(); i++) {
      if (hasNul(command.get(i))) {
        out.add(SpecProblem.invalid(field + "[" + i + "]: contains a NUL character"));
      }
    }
  }

  private static java.util.Optional<SpecProblem> envName(String field, String name) {
    if (name == null || !ENV_NAME.matcher(name).matches()) {
      return java.util.Optional.of(SpecProblem.invalid(field + ": " + (name == null ? "missing" : "'" + name + "'")
          + " is not a valid environment variable name (letters, digits and '_', not starting with a digit)"));
    }
    if (name.equals(RuntimeDirs.ENV_RUNTIME_DIR) || name.equals(TokenScan.ENV_TOKEN) || name.equals(TokenScan.ENV_PROCESS)) {
      return java.util.Optional.of(SpecProblem.invalid(field + ": " + name + " is set by the operator"));
    }
    return java.util.Optional.empty();
  }
}
