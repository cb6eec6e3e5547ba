package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * Probe rules shared by the runtimes whose processes live in pods (Pod, Track): the operator
 * reaches a pod only over the network, so unix sockets and exec are refused.
 */
public final class PodProbeCheck {

  private PodProbeCheck() {
  }

  /** Problems of the service's probes for the given pod-based runtime; empty when fine. */
  public static List<SpecProblem> check(ProcService service, RuntimeKind runtime) {
    List<SpecProblem> problems = new ArrayList<>();
    List<ProbeSpec> probes = service.getSpec().getProbes();
    for (int i = 0; probes != null && i < probes.size(); i++) {
      ProbeSpec probe = probes.get(i);
      String field = "spec.probes[" + i + "]";
      if (probe.getExec() != null) {
        problems.add(SpecProblem.invalid(field + ".exec: exec probes cannot run for runtime " + runtime
            + ": the operator does not exec into pods; use httpGet, tcpSocket or openRpc on a port"));
      }
      if (probe.getHttpGet() != null) {
        unixSocket(problems, field + ".httpGet", probe.getHttpGet().getUnixSocket(), runtime);
        port(problems, field + ".httpGet", probe.getHttpGet().getUnixSocket(), probe.getHttpGet().getPort());
      }
      if (probe.getTcpSocket() != null) {
        unixSocket(problems, field + ".tcpSocket", probe.getTcpSocket().getUnixSocket(), runtime);
        port(problems, field + ".tcpSocket", probe.getTcpSocket().getUnixSocket(), probe.getTcpSocket().getPort());
      }
      if (probe.getOpenRpc() != null) {
        unixSocket(problems, field + ".openRpc", probe.getOpenRpc().getUnixSocket(), runtime);
        port(problems, field + ".openRpc", probe.getOpenRpc().getUnixSocket(), probe.getOpenRpc().getPort());
      }
      if (probe.getGrpc() != null) {
        unixSocket(problems, field + ".grpc", probe.getGrpc().getUnixSocket(), runtime);
        port(problems, field + ".grpc", probe.getGrpc().getUnixSocket(), probe.getGrpc().getPort());
      }
    }
    return problems;
  }

  /** True when the probe can run against a pod: exactly one action, no exec, no unix socket. */
  public static boolean plannable(ProbeSpec probe) {
    return probe.kind() != null && probe.getExec() == null && !hasUnixSocket(probe);
  }

  private static boolean hasUnixSocket(ProbeSpec probe) {
    return (probe.getHttpGet() != null && notBlank(probe.getHttpGet().getUnixSocket()))
        || (probe.getTcpSocket() != null && notBlank(probe.getTcpSocket().getUnixSocket()))
        || (probe.getOpenRpc() != null && notBlank(probe.getOpenRpc().getUnixSocket()))
        || (probe.getGrpc() != null && notBlank(probe.getGrpc().getUnixSocket()));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** True when the port is set: a number, or a non-blank name. */
  public static boolean hasPort(IntOrString port) {
    return port != null && (port.getIntVal() != null || (port.getStrVal() != null && !port.getStrVal().isBlank()));
  }

  private static void unixSocket(List<SpecProblem> problems, String field, String socket, RuntimeKind runtime) {
    if (socket != null && !socket.isBlank()) {
      problems.add(SpecProblem.invalid(field + ".unixSocket: unix sockets cannot be probed for runtime "
          + runtime + ": the socket is inside the pod, unreachable from the operator; use a port"));
    }
  }

  private static void port(List<SpecProblem> problems, String field, String socket, IntOrString port) {
    // With a unix socket the socket is the problem already; one message per mistake.
    if ((socket == null || socket.isBlank()) && !hasPort(port)) {
      problems.add(SpecProblem.invalid(field + ".port: required: a port number or the name of a port"));
    }
  }
}
