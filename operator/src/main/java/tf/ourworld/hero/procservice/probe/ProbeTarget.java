package tf.ourworld.hero.procservice.probe;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a probe connects, resolved by the runtime.
 *
 * @param host default host for port probes (pod IP, or 127.0.0.1 for Process)
 * @param runtimeDir base of relative unix socket paths and cwd of exec probes (Process), else null
 * @param socketRoots absolute directories under which absolute unix socket paths are allowed
 * @param namedPorts the probe's process's named ports
 * @param description short human label of the target for logs (e.g. pod name), may be null
 * @param agent the pod's probe agent, which runs the unix-socket probes (runtimeDir is then the
 *     pod's runtime dir, never touched here); null when the operator connects itself
 */
public record ProbeTarget(String host, Path runtimeDir, List<Path> socketRoots,
    Map<String, Integer> namedPorts, String description, AgentRoute agent) {
  public ProbeTarget {
    socketRoots = socketRoots == null ? List.of() : List.copyOf(socketRoots);
    namedPorts = namedPorts == null ? Map.of() : Map.copyOf(namedPorts);
  }

  /** A target the operator connects to itself. */
  public ProbeTarget(String host, Path runtimeDir, List<Path> socketRoots, Map<String, Integer> namedPorts,
      String description) {
    this(host, runtimeDir, socketRoots, namedPorts, description, null);
  }
}
