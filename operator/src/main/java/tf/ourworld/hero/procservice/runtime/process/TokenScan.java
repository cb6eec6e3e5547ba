package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the live processes an earlier operator over the same state dir started, by the variables
 * every start puts in the child's environment ({@code /proc/<pid>/environ} keeps the environment
 * a process was exec'd with): {@link #ENV_TOKEN}, {@link #ENV_PROCESS} and
 * {@link RuntimeDirs#ENV_RUNTIME_DIR}. Only processes of the operator's own uid count.
 *
 * <p>The children of a service process inherit its environment and so its token: they belong to
 * the same incarnation. {@link Found#leader()} is the one that leads its own session (setsid made
 * the service process a session leader).
 */
final class TokenScan {
  static final String ENV_TOKEN = "PROCSERVICE_TOKEN";
  static final String ENV_PROCESS = "PROCSERVICE_PROCESS";
  /** environ of a normal process is a few KB; a huge one is not read whole. */
  private static final int MAX_ENVIRON = 256 * 1024;
  private static final Path PROC = Path.of("/proc");

  private TokenScan() {
  }

  /** One live process carrying a token of ours. */
  record Found(long pid, long startTicks, long session, String token, Path runtimeDir, String process) {
    boolean leader() {
      return pid == session;
    }

    boolean alive() {
      return ProcStat.isAlive(pid, startTicks);
    }
  }

  /** Every live process of our uid whose runtime dir lies under root. */
  static List<Found> scan(Path root) {
    List<Found> out = new ArrayList<>();
    Optional<Integer> uid = uid(PROC.resolve("self"));
    if (uid.isEmpty()) {
      return out;
    }
    long self = ProcessHandle.current().pid();
    for (ProcStat stat : ProcStat.all()) {
      if (stat.pid() == self || !stat.alive()) {
        continue;
      }
      Path dir = PROC.resolve(Long.toString(stat.pid()));
      if (!uid.equals(uid(dir))) {
        continue;
      }
      read(stat, dir, root).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Found> read(ProcStat stat, Path procDir, Path root) {
    String token = null;
    String process = null;
    String runtimeDir = null;
    try {
      byte[] bytes = readBounded(procDir.resolve("environ"));
      int start = 0;
      for (int i = 0; i <= bytes.length; i++) {
        if (i == bytes.length || bytes[i] == 0) {
          String entry = new String(bytes, start, i - start, StandardCharsets.UTF_8);
          start = i + 1;
          if (entry.startsWith(ENV_TOKEN + "=")) {
            token = entry.substring(ENV_TOKEN.length() + 1);
          } else if (entry.startsWith(ENV_PROCESS + "=")) {
            process = entry.substring(ENV_PROCESS.length() + 1);
          } else if (entry.startsWith(RuntimeDirs.ENV_RUNTIME_DIR + "=")) {
            runtimeDir = entry.substring(RuntimeDirs.ENV_RUNTIME_DIR.length() + 1);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone meanwhile, or not readable: not ours to touch
    }
    if (token == null || token.isEmpty() || process == null || runtimeDir == null) {
      return Optional.empty();
    }
    Path dir;
    try {
      dir = Path.of(runtimeDir).normalize();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    // <root>/<namespace>/<name>: exactly two levels below our state dir.
    if (!dir.isAbsolute() || dir.getParent() == null || !root.equals(dir.getParent().getParent())) {
      return Optional.empty();
    }
    // Re-check the start time: the pid could have changed hands while we read its environment.
    if (!ProcStat.isAlive(stat.pid(), stat.startTicks())) {
      return Optional.empty();
    }
    return Optional.of(new Found(stat.pid(), stat.startTicks(), stat.session(), token, dir, process));
  }

  private static byte[] readBounded(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return in.readNBytes(MAX_ENVIRON);
    }
  }

  private static Optional<Integer> uid(Path procDir) {
    try {
      return Optional.of((Integer) Files.getAttribute(procDir, "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
