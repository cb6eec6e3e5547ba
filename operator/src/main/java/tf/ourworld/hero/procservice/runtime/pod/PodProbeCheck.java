package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.probe.ProbeChecks;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * Probe rules shared by the runtimes whose processes live in pods (Pod, Track): the operator
 * reaches a pod only over the network, so exec is refused, and unix sockets are probed only through
 * the probe agent that runtime Pod puts into its own pods (never into pods someone else made).
 */
public final class PodProbeCheck {

  private PodProbeCheck() {
  }

  /**
   * Problems of the service's probes for the given pod-based runtime; empty when fine.
   *
   * @param agent whether unix-socket probes can run through a probe agent (runtime Pod with an agent image)
   */
  public static List<SpecProblem> check(ProcService service, RuntimeKind runtime, boolean agent) {
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
        unixSocket(problems, field + ".httpGet", probe.getHttpGet().getUnixSocket(), runtime, agent);
        port(problems, field + ".httpGet", probe.getHttpGet().getUnixSocket(), probe.getHttpGet().getPort());
      }
      if (probe.getTcpSocket() != null) {
        unixSocket(problems, field + ".tcpSocket", probe.getTcpSocket().getUnixSocket(), runtime, agent);
        port(problems, field + ".tcpSocket", probe.getTcpSocket().getUnixSocket(), probe.getTcpSocket().getPort());
      }
      if (probe.getOpenRpc() != null) {
        unixSocket(problems, field + ".openRpc", probe.getOpenRpc().getUnixSocket(), runtime, agent);
        port(problems, field + ".openRpc", probe.getOpenRpc().getUnixSocket(), probe.getOpenRpc().getPort());
      }
      if (probe.getGrpc() != null) {
        unixSocket(problems, field + ".grpc", probe.getGrpc().getUnixSocket(), runtime, agent);
        port(problems, field + ".grpc", probe.getGrpc().getUnixSocket(), probe.getGrpc().getPort());
      }
    }
    return problems;
  }

  /** True when the probe can run against a pod: exactly one action, no exec, a unix socket only with the agent. */
  public static boolean plannable(ProbeSpec probe, boolean agent) {
    return probe.kind() != null && probe.getExec() == null && (agent || !ProbeChecks.usesUnixSocket(probe));
  }


  /** True when the port is set: a number, or a non-blank name. */
  public static boolean hasPort(IntOrString port) {
    return port != null && (port.getIntVal() != null || (port.getStrVal() != null && !port.getStrVal().isBlank()));
  }

  private static void unixSocket(List<SpecProblem> problems, String field, String socket, RuntimeKind runtime,
      boolean agent) {
    if (socket == null || socket.isBlank()) {
      return;
    }
    if (runtime == RuntimeKind.Track) {
      problems.add(SpecProblem.invalid(field + ".unixSocket: unix sockets cannot be probed for runtime Track: the"
          + " socket is inside a pod someone else made, unreachable from the operator; use a port"));
    } else if (!agent) {
      problems.add(SpecProblem.invalid(field + ".unixSocket: unix sockets in pods are probed by the probe agent,"
          + " and this operator has no agent image: start it with --agent-image (or in its own pod, whose image"
          + " it then uses), or probe a port"));
    } else {
      String problem = socketPathProblem(socket);
      if (problem != null) {
        problems.add(SpecProblem.invalid(field + ".unixSocket: " + problem));
      }
    }
  }

  /** Where a socket the agent probes may be: in the pod's runtime dir, the only directory it shares. */
  static String socketPathProblem(String socket) {
    Path given = Path.of(socket);
    for (Path part : given) {
      if (part.toString().equals("..")) {
        return "must not contain '..'";
      }
    }
    Path dir = Path.of(PodTemplate.RUNTIME_DIR);
    Path resolved = dir.resolve(given).normalize();
    return resolved.startsWith(dir) && !resolved.equals(dir) ? null
        : "must be in the pod's runtime dir " + PodTemplate.RUNTIME_DIR + " (a relative path is taken from there)";
  }

  private static void port(List<SpecProblem> problems, String field, String socket, IntOrString port) {
    // With a unix socket the socket is the problem already; one message per mistake.
    if ((socket == null || socket.isBlank()) && !hasPort(port)) {
      problems.add(SpecProblem.invalid(field + ".port: required: a port number or the name of a port"));
    }
  }
}
