package tf.ourworld.hero.procservice.probe;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.GrpcAction;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.TcpSocketAction;

/**
 * Turns a {@link ProbeSpec} and its {@link ProbeTarget} into a runnable check, resolving named
 * ports, hosts, socket paths, status codes and the body pattern once.
 */
public final class ProbeChecks {

  private ProbeChecks() {
  }

  /**
   * Checks that a probe can be run against the target, for validation.
   *
   * @throws IllegalArgumentException with a message naming the field and the problem
   */
  public static void validate(ProbeSpec spec, ProbeTarget target) {
    compile(spec, target);
  }

  /**
   * Runs a probe once on the calling thread, bounded by its timeout (for tools and tests; the
   * scheduler runs probes on its own pool).
   */
  public static ProbeOutcome runOnce(ProbeSpec spec, ProbeTarget target) {
    ProbeCheck check;
    try {
      check = compile(spec, target);
    } catch (IllegalArgumentException e) {
      return new ProbeOutcome(false, "invalid probe: " + e.getMessage(), 0);
    }
    try {
      return new ProbeInvoker(SharedTimer.INSTANCE).invoke(check, timeoutSeconds(spec));
    } finally {
      check.close();
    }
  }

  static int timeoutSeconds(ProbeSpec spec) {
    return orDefault(spec.getTimeoutSeconds(), ProbeSpec.DEFAULT_TIMEOUT_SECONDS);
  }

  static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  static ProbeCheck compile(ProbeSpec spec, ProbeTarget target) {
    ProbeCheck check = compileHere(spec, target);
    if (target.agent() == null || !usesUnixSocket(spec)) {
      return check;
    }
    // Compiled here too: the same validation and description; the agent runs it in the pod.
    check.close();
    return new AgentCheck(check.kind(), check.target(), spec.getName(), target.agent());
  }

  /** True when the probe connects to a unix socket (httpGet, tcpSocket, openRpc or grpc with unixSocket). */
  public static boolean usesUnixSocket(ProbeSpec spec) {
    return notEmpty(spec.getHttpGet() == null ? null : spec.getHttpGet().getUnixSocket())
        || notEmpty(spec.getTcpSocket() == null ? null : spec.getTcpSocket().getUnixSocket())
        || notEmpty(spec.getOpenRpc() == null ? null : spec.getOpenRpc().getUnixSocket())
        || notEmpty(spec.getGrpc() == null ? null : spec.getGrpc().getUnixSocket());
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static ProbeCheck compileHere(ProbeSpec spec, ProbeTarget target) {
    String kind = spec.kind();
    if (kind == null) {
      throw new IllegalArgumentException("exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set");
    }
    ExpectSpec expect = spec.getExpect() == null ? new ExpectSpec() : spec.getExpect();
    switch (kind) {
      case "httpGet": {
        HttpGetAction a = spec.getHttpGet();
        boolean tls = a.getScheme() == HttpGetAction.Scheme.HTTPS;
        Endpoint endpoint = endpoint("httpGet", a.getUnixSocket(), a.getHost(), a.getPort(), target);
        if (tls && endpoint.isUnix()) {
          throw new IllegalArgumentException("httpGet.scheme HTTPS is not supported with httpGet.unixSocket");
        }
        String path = path("httpGet", a.getPath());
        if (a.getHttpHeaders() != null) {
          for (var h : a.getHttpHeaders()) {
            requireHeaderText("httpGet.httpHeaders name", h.getName(), true);
            requireHeaderText("httpGet.httpHeaders value", h.getValue(), false);
          }
        }
        byte[] request = HttpExchange.request("GET", endpoint.authority(), path, a.getHttpHeaders(), null, null);
        return new HttpGetCheck(endpoint, tls, path, request, StatusCodes.parse(expect.getStatusCodes()),
            regex(expect), maxBodyBytes(expect), cel(expect, CelExpression.Vars.HTTP));
      }
      case "tcpSocket": {
        TcpSocketAction a = spec.getTcpSocket();
        return new TcpSocketCheck(endpoint("tcpSocket", a.getUnixSocket(), a.getHost(), a.getPort(), target));
      }
      case "openRpc": {
        OpenRpcAction a = spec.getOpenRpc();
        Endpoint endpoint = endpoint("openRpc", a.getUnixSocket(), a.getHost(), a.getPort(), target);
        String method = a.getMethod() == null || a.getMethod().isBlank() ? "rpc.discover" : a.getMethod();
        boolean raw = a.getTransport() == OpenRpcAction.Transport.Raw;
        return new OpenRpcCheck(endpoint, raw, path("openRpc", a.getPath()), method, a.getParams(),
            a.getAcceptErrorCodes(), StatusCodes.parse(expect.getStatusCodes()), regex(expect), maxBodyBytes(expect),
            cel(expect, CelExpression.Vars.OPEN_RPC));
      }
      case "grpc": {
        GrpcAction a = spec.getGrpc();
        return new GrpcCheck(endpoint("grpc", a.getUnixSocket(), a.getHost(), a.getPort(), target), a.getService());
      }
      case "exec": {
        ExecAction a = spec.getExec();
        List<String> argv = a.getCommand();
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
          throw new IllegalArgumentException("exec.command must name a program");
        }
        return new ExecCheck(argv, target.runtimeDir());
      }
      default:
        throw new IllegalArgumentException("unknown probe kind " + kind);
    }
  }

  private static Endpoint endpoint(String field, String unixSocket, String host, IntOrString port,
      ProbeTarget target) {
    if (unixSocket != null && !unixSocket.isEmpty()) {
      if (port != null) {
        throw new IllegalArgumentException(field + ": set either port or unixSocket, not both");
      }
      try {
        return Endpoint.unix(unixSocket, target.runtimeDir(), target.socketRoots());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + "." + e.getMessage());
      }
    }
    if (port == null) {
      throw new IllegalArgumentException(field + ": port or unixSocket is required");
    }
    String h = host != null && !host.isBlank() ? host : target.host();
    if (h == null || h.isBlank()) {
      throw new IllegalArgumentException(field + ": no host to connect to (set " + field + ".host)");
    }
    return Endpoint.tcp(h, port(field, port, target.namedPorts()));
  }

  private static int port(String field, IntOrString port, Map<String, Integer> namedPorts) {
    Integer number = port.getIntVal();
    if (number == null) {
      String name = port.getStrVal() == null ? "" : port.getStrVal().trim();
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        number = Integer.valueOf(name);
      } else {
        number = namedPorts.get(name);
        if (number == null) {
          throw new IllegalArgumentException(field + ".port: '" + name + "' is not a named port of the process"
              + (namedPorts.isEmpty() ? "" : " (known: " + String.join(", ", namedPorts.keySet()) + ")"));
        }
      }
    }
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException(field + ".port: " + number + " is not between 1 and 65535");
    }
    return number;
  }

  private static String path(String field, String path) {
    String p = path == null || path.isEmpty() ? "/" : path;
    if (!p.startsWith("/")) {
      throw new IllegalArgumentException(field + ".path must start with '/'");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException(field + ".path must not contain spaces or control characters");
      }
    }
    return p;
  }

  private static void requireHeaderText(String field, String value, boolean token) {
    if (value == null) {
      if (token) {
        throw new IllegalArgumentException(field + " is required");
      }
      return;
    }
    if (token && (value.isEmpty() || value.indexOf(':') >= 0)) {
      throw new IllegalArgumentException(field + " '" + value + "' is not a header name");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || (token && c <= ' ')) {
        throw new IllegalArgumentException(field + " must not contain line breaks" + (token ? " or spaces" : ""));
      }
    }
  }

  private static Pattern regex(ExpectSpec expect) {
    String r = expect.getBodyRegex();
    if (r == null || r.isEmpty()) {
      return null;
    }
    try {
      return Pattern.compile(r);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("expect.bodyRegex is not a valid regular expression: " + e.getDescription());
    }
  }

  private static CelExpression cel(ExpectSpec expect, CelExpression.Vars vars) {
    String c = expect.getCel();
    if (c == null || c.isBlank()) {
      return null;
    }
    try {
      return CelExpression.compile(c, vars);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expect.cel: " + e.getMessage());
    }
  }

  private static int maxBodyBytes(ExpectSpec expect) {
    int max = orDefault(expect.getMaxBodyBytes(), ExpectSpec.DEFAULT_MAX_BODY_BYTES);
    if (max < 0 || max > 1048576) {
      throw new IllegalArgumentException("expect.maxBodyBytes must be between 0 and 1048576");
    }
    return max;
  }

  /** The watchdog of {@link #runOnce}, started on first use. */
  private static final class SharedTimer {
    static final Watchdog INSTANCE = new Watchdog("probe-once-watchdog");
  }
}
