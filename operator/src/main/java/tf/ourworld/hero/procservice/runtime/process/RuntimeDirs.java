package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The per-service runtime dirs {@code <stateDir>/<namespace>/<name>/}: default working directory,
 * base of relative socket paths, home of {@code state.json} and {@code logs/}.
 */
public final class RuntimeDirs {
  public static final String ENV_RUNTIME_DIR = "PROCSERVICE_RUNTIME_DIR";
  static final String STATE_FILE = "state.json";
  static final String LOGS = "logs";

  private final Path root;

  public RuntimeDirs(Path stateDir) {
    this.root = stateDir.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The runtime dir of a service; namespace and name are Kubernetes names, checked anyway. */
  public Path serviceDir(String namespace, String name) {
    return root.resolve(segment(namespace)).resolve(segment(name));
  }

  public Path stateFile(Path serviceDir) {
    return serviceDir.resolve(STATE_FILE);
  }

  public Path logsDir(Path serviceDir) {
    return serviceDir.resolve(LOGS);
  }

  public Path logFile(Path serviceDir, String process) {
    return logsDir(serviceDir).resolve(segment(process) + ".log");
  }

  /** Creates the namespace dir, the service dir and its logs dir, readable by the operator's user only. */
  public void create(Path serviceDir) throws IOException {
    // The namespace dir too: the names of services are nobody else's business either.
    for (Path dir : new Path[] {serviceDir.getParent(), serviceDir, logsDir(serviceDir)}) {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        trySetPrivate(dir);
      }
    }
  }

  /**
   * Why workingDir would leave the runtime dir (lexically: {@code ..}, an absolute path elsewhere),
   * or empty when it is fine. Null and empty mean the runtime dir itself.
   */
  public static Optional<String> workingDirProblem(String workingDir) {
    if (workingDir == null || workingDir.isEmpty()) {
      return Optional.empty();
    }
    if (workingDir.startsWith("/")) {
      return Optional.of(workingDir + " is an absolute path: workingDir is relative to the service's runtime dir"
          + " (e.g. data or run/sub)");
    }
    if (workingDir.indexOf('\0') >= 0) {
      return Optional.of("contains a NUL character");
    }
    Path probe = Path.of("/runtime-dir");
    try {
      if (Path.of(workingDir).isAbsolute()) {
        return Optional.of(workingDir + " is an absolute path: workingDir is relative to the service's runtime dir");
      }
      Path resolved = probe.resolve(workingDir).normalize();
      if (!resolved.startsWith(probe)) {
        return Optional.of(workingDir + " is outside the service's runtime dir: use a path relative to it, without ..");
      }
    } catch (InvalidPathException e) {
      return Optional.of("not a valid path");
    }
    return Optional.empty();
  }

  /**
   * The working directory of a process, created when missing, with symlinks resolved and checked
   * to stay inside the runtime dir (a symlink placed there by a process cannot lead out).
   */
  public static Path workingDir(Path serviceDir, String workingDir) throws IOException {
    Optional<String> problem = workingDirProblem(workingDir);
    if (problem.isPresent()) {
      throw new IOException("workingDir " + problem.get());
    }
    Path realService = serviceDir.toRealPath();
    if (workingDir == null || workingDir.isEmpty()) {
      return realService;
    }
    // One component at a time, each existing one checked by its real path before anything is
    // created below it: a symlink planted in the runtime dir cannot make us create dirs outside.
    Path current = realService;
    for (Path part : Path.of(workingDir).normalize()) {
      Path next = current.resolve(part);
      if (Files.exists(next, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Path real;
        try {
          real = next.toRealPath();
        } catch (IOException e) {
          throw new IOException("workingDir " + workingDir + ": " + part + " is a symlink that leads nowhere");
        }
        if (!real.startsWith(realService)) {
          throw new IOException("workingDir " + workingDir + " resolves outside the service's runtime dir");
        }
        if (!Files.isDirectory(real)) {
          throw new IOException("workingDir " + workingDir + ": " + part + " is not a directory");
        }
        current = real;
      } else {
        Files.createDirectory(next);
        current = next.toRealPath();
      }
    }
    return current;
  }

  private static String segment(String s) {
    if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("/") || s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a valid path segment: " + s);
    }
    return s;
  }

  private static void trySetPrivate(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort: a non-POSIX file system keeps its defaults.
    }
  }
}
