package tf.ourworld.hero.procservice.recovery;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A manual restart asked for with the restart annotation: {@code TOKEN} restarts every process,
 * {@code TOKEN;NAME,NAME} the processes named (unknown names are ignored).
 *
 * @param processes the processes named; empty for all
 */
public record RestartRequest(String value, Set<String> processes) {
  public RestartRequest {
    processes = Set.copyOf(processes);
  }

  public static RestartRequest parse(String value) {
    int semi = value.indexOf(';');
    if (semi < 0) {
      return new RestartRequest(value, Set.of());
    }
    Set<String> names = new LinkedHashSet<>();
    Arrays.stream(value.substring(semi + 1).split(",")).map(String::trim).filter(n -> !n.isEmpty())
        .forEach(names::add);
    return new RestartRequest(value, names);
  }

  /** The processes named that the service declares, or all of them when none was named. */
  public Set<String> targets(Set<String> declared) {
    if (processes.isEmpty()) {
      return Set.of();
    }
    Set<String> known = new LinkedHashSet<>(processes);
    known.retainAll(declared);
    return known;
  }
}
