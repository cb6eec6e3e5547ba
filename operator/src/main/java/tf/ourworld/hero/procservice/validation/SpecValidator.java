package tf.ourworld.hero.procservice.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.Bounds;
import tf.ourworld.hero.procservice.model.GrpcAction;
import tf.ourworld.hero.procservice.model.HttpHeader;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.FailureWindowSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.TcpSocketAction;
import tf.ourworld.hero.procservice.probe.CelExpression;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.probe.StatusCodes;

/**
 * The CRD's rules (OpenAPI bounds and CEL cross-field rules) in Java, because not every API server
 * enforces CEL and the embedded one enforces none. Pure: spec in, problems out, each naming the
 * field and what is wrong, in field order.
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile(ProcessSpec.DNS_LABEL);
  private static final int MAX_PROCESSES = 16;
  /** How much of a value from the resource a message quotes. */
  static final int MAX_SHOWN = 64;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final int MAX_PROBES = 32;

  /** Every problem of the spec; empty when valid. */
  public List<SpecProblem> validate(ProcServiceSpec spec) {
    return messages(spec).stream().map(SpecProblem::invalid).toList();
  }

  /** The same, as messages that each start with the field they are about. */
  List<String> messages(ProcServiceSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec == null) {
      out.add("spec: required");
      return out;
    }
    if (spec.bindingProblem() != null) {
      out.add(spec.bindingProblem()); // nothing else of this spec could be read
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
        range(b.getInitialSeconds(), 0, Bounds.DAY_SECONDS, "spec.recovery.backoff.initialSeconds", out);
        range(b.getMaxSeconds(), 1, Bounds.DAY_SECONDS, "spec.recovery.backoff.maxSeconds", out);
        if (b.getInitialSeconds() != null && b.getMaxSeconds() != null && b.getMaxSeconds() < b.getInitialSeconds()) {
          out.add("spec.recovery.backoff.maxSeconds: must be >= initialSeconds (" + b.getInitialSeconds() + ")");
        }
      }
      Integer escalate = spec.getRecovery().getEscalateAfterSeconds();
      range(escalate, 1, Bounds.DAY_SECONDS, "spec.recovery.escalateAfterSeconds", out);
      RecoveryAction action = (runtime == RuntimeKind.Track ? UnitRules.TRACKED_PODS : UnitRules.DECLARED_PROCESSES)
          .action(spec.getRecovery());
      if (escalate != null && action != RecoveryAction.Restart) {
        out.add("spec.recovery.escalateAfterSeconds: only applies with recovery.action Restart (the action is "
            + action + ")");
      }
      RestartLimitSpec l = spec.getRecovery().getRestartLimit();
      if (l != null) {
        range(l.getMaxRestarts(), 1, Bounds.MAX_RESTARTS, "spec.recovery.restartLimit.maxRestarts", out);
        range(l.getWindowSeconds(), 1, Bounds.WEEK_SECONDS, "spec.recovery.restartLimit.windowSeconds", out);
      }
    }
    range(spec.getStopGracePeriodSeconds(), 0, Bounds.DAY_SECONDS, "spec.stopGracePeriodSeconds", out);
    return out;
  }

  private void validateProcess(RuntimeKind runtime, ProcessSpec p, String at, Set<String> names, List<String> out) {
    if (p == null) {
      out.add(at + ": must not be null");
      return;
    }
    dnsLabel(p.getName(), at + ".name", out);
    if (p.getName() != null && !names.add(p.getName())) {
      out.add(at + ".name: duplicate process name \"" + shown(p.getName()) + "\"");
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
          out.add(pat + ".name: duplicate port name \"" + shown(port.getName()) + "\"");
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
      out.add(at + ".name: duplicate probe name \"" + shown(probe.getName()) + "\"");
    }
    ProcessSpec target = null;
    if (probe.getProcess() != null) {
      target = processes.stream().filter(p -> p != null && probe.getProcess().equals(p.getName())).findFirst().orElse(null);
      if (target == null) {
        out.add(at + ".process: \"" + shown(probe.getProcess()) + "\" is not a process of spec.processes");
      }
    }
    String kind = probe.kind();
    if (kind == null) {
      out.add(at + ": exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set");
    } else {
      switch (kind) {
        case "httpGet" -> {
          HttpGetAction h = probe.getHttpGet();
          endpoint(h.getPort(), h.getUnixSocket(), at + ".httpGet", target, processes, out);
          if (h.getPath() != null && !h.getPath().startsWith("/")) {
            out.add(at + ".httpGet.path: must start with '/'");
          }
          if (unsendable(h.getPath()) || h.getPath() != null && h.getPath().contains(" ")) {
            out.add(at + ".httpGet.path: must not contain spaces, CR, LF or other control characters"
                + " (percent-encode them, e.g. %20): the probe could not send it");
          }
          if (unsendable(h.getHost())) {
            out.add(at + ".httpGet.host: must not contain CR, LF or other control characters");
          }
          if (h.getScheme() == HttpGetAction.Scheme.HTTPS && !blank(h.getUnixSocket())) {
            out.add(at + ".httpGet.scheme: HTTPS is not supported over a unix socket: use scheme HTTP with"
                + " unixSocket, or a port for HTTPS");
          }
          if (h.getHttpHeaders() != null) {
            for (int j = 0; j < h.getHttpHeaders().size(); j++) {
              HttpHeader header = h.getHttpHeaders().get(j);
              String hat = at + ".httpGet.httpHeaders[" + j + "]";
              if (header == null || blank(header.getName())) {
                out.add(hat + ".name: required");
              } else if (!HEADER_NAME.matcher(header.getName()).matches()) {
                out.add(hat + ".name: not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
              }
              if (header != null && unsendable(header.getValue())) {
                // The value itself is never shown: it may be a secret.
                out.add(hat + ".value: must not contain CR, LF or other control characters");
              }
            }
          }
        }
        case "tcpSocket" -> {
          TcpSocketAction t = probe.getTcpSocket();
          endpoint(t.getPort(), t.getUnixSocket(), at + ".tcpSocket", target, processes, out);
          if (unsendable(t.getHost())) {
            out.add(at + ".tcpSocket.host: must not contain CR, LF or other control characters");
          }
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
          if (unsendable(r.getPath()) || r.getPath() != null && r.getPath().contains(" ")) {
            out.add(at + ".openRpc.path: must not contain spaces, CR, LF or other control characters"
                + " (percent-encode them): the probe could not send it");
          }
          if (unsendable(r.getHost())) {
            out.add(at + ".openRpc.host: must not contain CR, LF or other control characters");
          }
          if (r.getMethod() != null && r.getMethod().length() > 256) {
            out.add(at + ".openRpc.method: at most 256 characters, got " + r.getMethod().length());
          }
        }
        case "grpc" -> {
          GrpcAction g = probe.getGrpc();
          endpoint(g.getPort(), g.getUnixSocket(), at + ".grpc", target, processes, out);
          if (unsendable(g.getHost())) {
            out.add(at + ".grpc.host: must not contain CR, LF or other control characters");
          }
          if (g.getService() != null && g.getService().length() > 256) {
            out.add(at + ".grpc.service: at most 256 characters, got " + g.getService().length());
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
                + shown(e.getMessage().replaceFirst("^expect\\.statusCodes: ", "")));
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
      if (expect.getCel() != null && !expect.getCel().isBlank()) {
        if (expect.getCel().length() > ExpectSpec.MAX_CEL_LENGTH) {
          out.add(at + ".expect.cel: at most " + ExpectSpec.MAX_CEL_LENGTH + " characters, got " + expect.getCel().length());
        } else {
          try {
            CelExpression.compile(expect.getCel(),
                "openRpc".equals(kind) ? CelExpression.Vars.OPEN_RPC : CelExpression.Vars.HTTP);
          } catch (IllegalArgumentException e) {
            out.add(at + ".expect.cel: " + e.getMessage());
          }
        }
      }
      if (expect.getMaxBodyBytes() != null && (expect.getMaxBodyBytes() < 0 || expect.getMaxBodyBytes() > 1048576)) {
        out.add(at + ".expect.maxBodyBytes: must be between 0 and 1048576, got " + expect.getMaxBodyBytes());
      }
    }
    FailureWindowSpec window = probe.getFailureWindow();
    if (window != null) {
      if (window.getFailures() == null) {
        out.add(at + ".failureWindow.failures: required");
      }
      if (window.getSeconds() == null) {
        out.add(at + ".failureWindow.seconds: required");
      }
      range(window.getFailures(), 1, Bounds.THRESHOLD, at + ".failureWindow.failures", out);
      range(window.getSeconds(), 1, Bounds.DAY_SECONDS, at + ".failureWindow.seconds", out);
      Integer period = probe.getPeriodSeconds();
      if (window.getFailures() != null && window.getSeconds() != null && period != null && period > 0
          && window.getSeconds() > 0 && window.getFailures() > window.getSeconds() / period + 1) {
        out.add(at + ".failureWindow.failures: " + window.getFailures() + " runs cannot fail within "
            + window.getSeconds() + "s at periodSeconds " + period + " (at most " + (window.getSeconds() / period + 1) + ")");
      }
    }
    range(probe.getInitialDelaySeconds(), 0, Bounds.DAY_SECONDS, at + ".initialDelaySeconds", out);
    range(probe.getPeriodSeconds(), 1, Bounds.DAY_SECONDS, at + ".periodSeconds", out);
    range(probe.getTimeoutSeconds(), 1, Bounds.TIMEOUT_SECONDS, at + ".timeoutSeconds", out);
    range(probe.getFailureThreshold(), 1, Bounds.THRESHOLD, at + ".failureThreshold", out);
    range(probe.getSuccessThreshold(), 1, Bounds.THRESHOLD, at + ".successThreshold", out);
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
    if (name.chars().allMatch(c -> c >= '0' && c <= '9')) {
      java.math.BigInteger n = new java.math.BigInteger(name);
      if (n.signum() <= 0 || n.compareTo(java.math.BigInteger.valueOf(65535)) > 0) {
        out.add(at + ".port: must be between 1 and 65535, got " + shown(name));
      }
      return;
    }
    List<ProcessSpec> scope = target != null ? List.of(target) : processes;
    boolean found = scope.stream().filter(p -> p != null && p.getPorts() != null)
        .flatMap(p -> p.getPorts().stream()).anyMatch(pp -> pp != null && name.equals(pp.getName()));
    if (!found && !scope.isEmpty()) {
      out.add(at + ".port: no port named \"" + shown(name) + "\" in "
          + (target != null ? "process " + target.getName() : "spec.processes"));
    }
  }

  private static void dnsLabel(String name, String at, List<String> out) {
    if (blank(name)) {
      out.add(at + ": required");
    } else if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
      out.add(at + ": \"" + shown(name) + "\" is not a DNS label (lower-case letters, digits and '-', at most 63 characters)");
    }
  }

  private static void range(Integer value, long min, long max, String at, List<String> out) {
    if (value != null && (value < min || value > max)) {
      out.add(at + ": must be between " + min + " and " + max + ", got " + value);
    }
  }

  /** A value from the resource, quoted in a message: bounded, so a huge one never reaches status or logs whole. */
  static String shown(String s) {
    if (s == null) {
      return "null";
    }
    String oneLine = s.replaceAll("[\\p{Cntrl}]", "?");
    return oneLine.length() <= MAX_SHOWN ? oneLine : oneLine.substring(0, MAX_SHOWN) + "... (" + s.length() + " characters)";
  }

  /** Characters that cannot be sent in an HTTP/1.1 request line or header (CR, LF, NUL, other controls but tab). */
  private static boolean unsendable(String s) {
    return s != null && s.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean empty(java.util.Map<?, ?> m) {
    return m == null || m.isEmpty();
  }
}
