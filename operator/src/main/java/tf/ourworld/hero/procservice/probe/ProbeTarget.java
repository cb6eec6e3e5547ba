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
 */
public record ProbeTarget(String host, Path runtimeDir, List<Path> socketRoots,
    Map<String, Integer> namedPorts, String description) {
  public ProbeTarget {
    socketRoots = socketRoots == null ? List.of() : List.copyOf(socketRoots);
    namedPorts = namedPorts == null ? Map.of() : Map.copyOf(namedPorts);
  }
}
