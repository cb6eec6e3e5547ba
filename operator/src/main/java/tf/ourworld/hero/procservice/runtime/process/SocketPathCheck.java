package tf.ourworld.hero.procservice.runtime.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.probe.SocketPaths;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * Refuses probe unixSocket paths that escape the service's runtime dir or the operator's socket
 * roots ({@code ..}, a symlink out, an absolute path elsewhere): the operator would otherwise
 * connect wherever a resource author points it.
 */
public final class SocketPathCheck {
  private SocketPathCheck() {
  }

  public static List<SpecProblem> check(ProcServiceSpec spec, Path runtimeDir, List<Path> socketRoots) {
    List<SpecProblem> out = new ArrayList<>();
    List<ProbeSpec> probes = spec.getProbes() == null ? List.of() : spec.getProbes();
    for (int i = 0; i < probes.size(); i++) {
      ProbeSpec p = probes.get(i);
      String at = "spec.probes[" + i + "].";
      if (p.getHttpGet() != null) {
        check(p.getHttpGet().getUnixSocket(), at + "httpGet.unixSocket", runtimeDir, socketRoots, out);
      }
      if (p.getTcpSocket() != null) {
        check(p.getTcpSocket().getUnixSocket(), at + "tcpSocket.unixSocket", runtimeDir, socketRoots, out);
      }
      if (p.getOpenRpc() != null) {
        check(p.getOpenRpc().getUnixSocket(), at + "openRpc.unixSocket", runtimeDir, socketRoots, out);
      }
      if (p.getGrpc() != null) {
        check(p.getGrpc().getUnixSocket(), at + "grpc.unixSocket", runtimeDir, socketRoots, out);
      }
    }
    return out;
  }

  private static void check(String socket, String field, Path runtimeDir, List<Path> roots, List<SpecProblem> out) {
    if (socket == null || socket.isBlank()) {
      return;
    }
    try {
      SocketPaths.resolve(socket, runtimeDir, roots);
    } catch (IllegalArgumentException e) {
      out.add(SpecProblem.invalid(field + ": " + e.getMessage()));
    }
  }
}
