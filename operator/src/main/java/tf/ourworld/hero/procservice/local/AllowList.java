package tf.ourworld.hero.procservice.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;

/**
 * The executables {@code local} lets the Process runtime run: {@code command[0]} of every process
 * and exec probe in the manifests given on its command line, resolved on PATH to an absolute path
 * as the runtime will resolve it, plus whatever {@code --allow-exec} adds. Commands not found are
 * left out: the operator reports them in the service's status.
 */
public final class AllowList {
  private AllowList() {
  }

  /** The allow-list for these manifests, in first-seen order. */
  public static List<String> of(List<ManifestSet.Manifest> manifests, List<String> extra, String pathEnv) {
    Set<String> allow = new LinkedHashSet<>();
    for (ManifestSet.Manifest m : manifests) {
      GenericKubernetesResource r = m.object();
      if (!"ProcService".equals(r.getKind()) || !r.getApiVersion().startsWith(ProcService.GROUP + "/")) {
        continue;
      }
      ProcService ps;
      try {
        ps = Serialization.unmarshal(Serialization.asJson(r), ProcService.class);
      } catch (RuntimeException e) {
        continue; // the operator reports an unreadable spec as Failed/InvalidSpec
      }
      if (ps.getSpec() == null) {
        continue;
      }
      for (ProcessSpec p : nonNull(ps.getSpec().getProcesses())) {
        first(p.getCommand()).map(c -> resolve(c, pathEnv)).filter(c -> c.startsWith("/")).ifPresent(allow::add);
      }
      for (ProbeSpec probe : nonNull(ps.getSpec().getProbes())) {
        if (probe.getExec() != null) {
          first(probe.getExec().getCommand()).map(c -> resolve(c, pathEnv)).filter(c -> c.startsWith("/"))
              .ifPresent(allow::add);
        }
      }
    }
    allow.addAll(extra);
    return List.copyOf(allow);
  }

  /**
   * An absolute path as given; a bare name found on PATH (absolute entries only, as the Process
   * runtime looks it up) as its absolute path; anything else unchanged, and so not allow-listed:
   * the operator then reports it (CommandNotFound / CommandNotAllowed) in the service's status.
   */
  static String resolve(String command, String pathEnv) {
    if (command.contains("/")) {
      return command;
    }
    if (pathEnv != null) {
      for (String dir : pathEnv.split(File.pathSeparator)) {
        if (dir.isEmpty() || !dir.startsWith("/")) {
          continue;
        }
        Path candidate = Path.of(dir, command);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath().normalize().toString();
        }
      }
    }
    return command;
  }

  private static Optional<String> first(List<String> command) {
    return command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()
        ? Optional.empty() : Optional.of(command.get(0));
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }
}
