package tf.ourworld.hero.procservice.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.TcpSocketAction;
import tf.ourworld.hero.procservice.probe.StatusCodes;

/**
 * The CRD's rules (OpenAPI bounds and CEL cross-field rules) in Java, because not every API server
 * enforces CEL and the embedded one enforces none. Pure: spec in, problems out, each naming the
 * field and what is wrong, in field order.
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile(ProcessSpec.DNS_LABEL);
  private static final int MAX_PROCESSES = 16;
  private static final int MAX_PROBES = 32;

  /** Every problem of the spec; empty when valid. */
  public List<String> validate(ProcServiceSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec == null) {
      out.add("spec: required");
      return out;
    }
    RuntimeKind runtime = spec.getRuntime() == null ? RuntimeKind.Pod : spec.getRuntime();
    List<ProcessSpec> processes = spec.getProcesses() == null ? List.of() : spec.getProcesses();
    List<ProbeSpec> probes = spec.getProbes() == null ? List.of() : spec.getProbes();

    if (runtime == RuntimeKind.Track) {
      if (!processes.isEmpty()) {
        out.add("spec.processes: must be empty for runtime Track (the operator never creates tracked pods)");
      }
      if (spec.getSelector() == null || (empty(spec.getSelector().getMatchLabels())
          && (spec.getSelector().getMatchExpressions() == null || spec.getSelector().getMatchExpressions().isEmpty()))) {
        out.add("spec.selector: required for runtime Track and must not be empty");
      }
    } else {
      if (processes.isEmpty()) {
        out.add("spec.processes: at least one process is required for runtime " + runtime);
      } else if (processes.size() > MAX_PROCESSES) {
        out.add("spec.processes: at most " + MAX_PROCESSES + " processes allowed, got " + processes.size());
      }
      if (spec.getSelector() != null) {
        out.add("spec.selector: only allowed for runtime Track");
      }
    }

    Set<String> names = new HashSet<>();
    for (int i = 0; i < processes.size(); i++) {
      validateProcess(runtime, processes.get(i), "spec.processes[" + i + "]", names, out);
    }

    if (probes.size() > MAX_PROBES) {
      out.add("spec.probes: at most " + MAX_PROBES + " probes allowed, got " + probes.size());
    }
    Set<String> probeNames = new HashSet<>();
    for (int i = 0; i < probes.size(); i++) {
      validateProbe(runtime, probes.get(i), "spec.probes[" + i + "]", processes, probeNames, out);
    }

    if (spec.getRecovery() != null) {
      BackoffSpec b = spec.getRecovery().getBackoff();
      if (b != null) {
        min(b.getInitialSeconds(), 0, "spec.recovery.backoff.initialSeconds", out);
        min(b.getMaxSeconds(), 1, "spec.recovery.backoff.maxSeconds", out);
        if (b.getInitialSeconds() != null && b.getMaxSeconds() != null && b.getMaxSeconds() < b.getInitialSeconds()) {
          out.add("spec.recovery.backoff.maxSeconds: must be >= initialSeconds (" + b.getInitialSeconds() + ")");
        }
      }
      RestartLimitSpec l = spec.getRecovery().getRestartLimit();
      if (l != null) {
        min(l.getMaxRestarts(), 1, "spec.recovery.restartLimit.maxRestarts", out);
        min(l.getWindowSeconds(), 1, "spec.recovery.restartLimit.windowSeconds", out);
      }
    }
    min(spec.getStopGracePeriodSeconds(), 0, "spec.stopGracePeriodSeconds", out);
    return out;
  }

  private void validateProcess(RuntimeKind runtime, ProcessSpec p, String at, Set<String> names, List<String> out) {
    if (p == null) {
      out.add(at + ": must not be null");
      return;
    }
    dnsLabel(p.getName(), at + ".name", out);
    if (p.getName() != null && !names.add(p.getName())) {
      out.add(at + ".name: duplicate process name \"" + p.getName() + "\"");
    }
    if (runtime == RuntimeKind.Pod && blank(p.getImage())) {
      out.add(at + ".image: required for runtime Pod");
    }
    if (runtime == RuntimeKind.Process) {
      if (p.getCommand() == null || p.getCommand().isEmpty()) {
        out.add(at + ".command: required for runtime Process (argv, never run through a shell)");
      } else if (blank(p.getCommand().get(0))) {
        out.add(at + ".command[0]: must not be empty");
      }
    }
    if (p.getEnv() != null) {
      for (int j = 0; j < p.getEnv().size(); j++) {
        EnvVarSpec e = p.getEnv().get(j);
        if (e == null || blank(e.getName())) {
          out.add(at + ".env[" + j + "].name: required");
        } else if (e.getName().contains("=")) {
          out.add(at + ".env[" + j + "].name: must not contain '='");
        }
      }
    }
    if (p.getPorts() != null) {
      Set<String> portNames = new HashSet<>();
      for (int j = 0; j < p.getPorts().size(); j++) {
        PortSpec port = p.getPorts().get(j);
        String pat = at + ".ports[" + j + "]";
        if (port == null || port.getContainerPort() == null) {
          out.add(pat + ".containerPort: required");
          continue;
        }
        if (port.getContainerPort() < 1 || port.getContainerPort() > 65535) {
          out.add(pat + ".containerPort: must be between 1 and 65535, got " + port.getContainerPort());
        }
        if (port.getName() != null && !portNames.add(port.getName())) {
          out.add(pat + ".name: duplicate port name \"" + port.getName() + "\"");
        }
      }
    }
  }

  private void validateProbe(RuntimeKind runtime, ProbeSpec probe, String at, List<ProcessSpec> processes,
      Set<String> names, List<String> out) {
    if (probe == null) {
      out.add(at + ": must not be null");
      return;
    }
    dnsLabel(probe.getName(), at + ".name", out);
    if (probe.getName() != null && !names.add(probe.getName())) {
      out.add(at + ".name: duplicate probe name \"" + probe.getName() + "\"");
    }
    ProcessSpec target = null;
    if (probe.getProcess() != null) {
      target = processes.stream().filter(p -> p != null && probe.getProcess().equals(p.getName())).findFirst().orElse(null);
      if (target == null) {
        out.add(at + ".process: \"" + probe.getProcess() + "\" is not a process of spec.processes");
      }
    }
    String kind = probe.kind();
    if (kind == null) {
      out.add(at + ": exactly one of httpGet, tcpSocket, openRpc, exec must be set");
    } else {
      switch (kind) {
        case "httpGet" -> {
          HttpGetAction h = probe.getHttpGet();
          endpoint(h.getPort(), h.getUnixSocket(), at + ".httpGet", target, processes, out);
          if (h.getPath() != null && !h.getPath().startsWith("/")) {
            out.add(at + ".httpGet.path: must start with '/'");
          }
          if (h.getHttpHeaders() != null) {
            for (int j = 0; j < h.getHttpHeaders().size(); j++) {
              if (h.getHttpHeaders().get(j) == null || blank(h.getHttpHeaders().get(j).getName())) {
                out.add(at + ".httpGet.httpHeaders[" + j + "].name: required");
              }
            }
          }
        }
        case "tcpSocket" -> {
          TcpSocketAction t = probe.getTcpSocket();
          endpoint(t.getPort(), t.getUnixSocket(), at + ".tcpSocket", target, processes, out);
        }
        case "openRpc" -> {
          OpenRpcAction r = probe.getOpenRpc();
          endpoint(r.getPort(), r.getUnixSocket(), at + ".openRpc", target, processes, out);
          if (r.getMethod() != null && r.getMethod().isBlank()) {
            out.add(at + ".openRpc.method: must not be empty");
          }
          if (r.getPath() != null && !r.getPath().startsWith("/")) {
            out.add(at + ".openRpc.path: must start with '/'");
          }
        }
        case "exec" -> {
          if (runtime != RuntimeKind.Process) {
            out.add(at + ".exec: exec probes are only allowed for runtime Process");
          }
          if (probe.getExec().getCommand() == null || probe.getExec().getCommand().isEmpty()
              || blank(probe.getExec().getCommand().get(0))) {
            out.add(at + ".exec.command: required (argv, never run through a shell)");
          }
        }
        default -> throw new IllegalStateException(kind);
      }
    }
    ExpectSpec expect = probe.getExpect();
    if (expect != null) {
      if (kind != null && !kind.equals("httpGet") && !kind.equals("openRpc")) {
        out.add(at + ".expect: only applies to httpGet and openRpc probes");
      }
      if (expect.getStatusCodes() != null) {
        for (int j = 0; j < expect.getStatusCodes().size(); j++) {
          try {
            StatusCodes.parse(List.of(String.valueOf(expect.getStatusCodes().get(j))));
          } catch (IllegalArgumentException e) {
            out.add(at + ".expect.statusCodes[" + j + "]: "
                + e.getMessage().replaceFirst("^expect\\.statusCodes: ", ""));
          }
        }
      }
      if (expect.getBodyRegex() != null && !expect.getBodyRegex().isEmpty()) {
        try {
          Pattern.compile(expect.getBodyRegex());
        } catch (PatternSyntaxException e) {
          out.add(at + ".expect.bodyRegex: not a valid regular expression: " + e.getDescription());
        }
      }
      if (expect.getMaxBodyBytes() != null && (expect.getMaxBodyBytes() < 0 || expect.getMaxBodyBytes() > 1048576)) {
        out.add(at + ".expect.maxBodyBytes: must be between 0 and 1048576, got " + expect.getMaxBodyBytes());
      }
    }
    min(probe.getInitialDelaySeconds(), 0, at + ".initialDelaySeconds", out);
    min(probe.getPeriodSeconds(), 1, at + ".periodSeconds", out);
    min(probe.getTimeoutSeconds(), 1, at + ".timeoutSeconds", out);
    min(probe.getFailureThreshold(), 1, at + ".failureThreshold", out);
    min(probe.getSuccessThreshold(), 1, at + ".successThreshold", out);
  }

  private void endpoint(IntOrString port, String unixSocket, String at, ProcessSpec target,
      List<ProcessSpec> processes, List<String> out) {
    boolean hasPort = port != null && (port.getIntVal() != null || !blank(port.getStrVal()));
    boolean hasSocket = !blank(unixSocket);
    if (hasPort == hasSocket) {
      out.add(at + ": exactly one of port, unixSocket must be set");
      return;
    }
    if (!hasPort) {
      return;
    }
    if (port.getIntVal() != null) {
      if (port.getIntVal() < 1 || port.getIntVal() > 65535) {
        out.add(at + ".port: must be between 1 and 65535, got " + port.getIntVal());
      }
      return;
    }
    String name = port.getStrVal();
    if (name.chars().allMatch(Character::isDigit)) {
      int n = Integer.parseInt(name);
      if (n < 1 || n > 65535) {
        out.add(at + ".port: must be between 1 and 65535, got " + n);
      }
      return;
    }
    List<ProcessSpec> scope = target != null ? List.of(target) : processes;
    boolean found = scope.stream().filter(p -> p != null && p.getPorts() != null)
        .flatMap(p -> p.getPorts().stream()).anyMatch(pp -> pp != null && name.equals(pp.getName()));
    if (!found && !scope.isEmpty()) {
      out.add(at + ".port: no port named \"" + name + "\" in "
          + (target != null ? "process " + target.getName() : "spec.processes"));
    }
  }

  private static void dnsLabel(String name, String at, List<String> out) {
    if (blank(name)) {
      out.add(at + ": required");
    } else if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
      out.add(at + ": \"" + name + "\" is not a DNS label (lower-case letters, digits and '-', at most 63 characters)");
    }
  }

  private static void min(Integer value, int min, String at, List<String> out) {
    if (value != null && value < min) {
      out.add(at + ": must be >= " + min + ", got " + value);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean empty(java.util.Map<?, ?> m) {
    return m == null || m.isEmpty();
  }
}
