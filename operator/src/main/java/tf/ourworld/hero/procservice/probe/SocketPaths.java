package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a probe's {@code unixSocket} and refuses paths that escape the service's runtime dir
 * or the operator's socket roots, lexically ({@code ..}) or through a symlink.
 */
public final class SocketPaths {

  private SocketPaths() {
  }

  /**
   * Resolves {@code unixSocket}: a relative path against {@code runtimeDir}, an absolute one as
   * is. The result must lie under {@code runtimeDir} or one of {@code socketRoots}, both by its
   * lexically normalised path and by the real path of its deepest existing ancestor (the socket
   * itself need not exist yet: the service creates it).
   *
   * @return the absolute, normalised socket path
   * @throws IllegalArgumentException naming the problem when the path is empty, contains
   *     {@code ..}, is relative without a runtime dir, or escapes every allowed directory
   */
  public static Path resolve(String unixSocket, Path runtimeDir, List<Path> socketRoots) {
    if (unixSocket == null || unixSocket.isBlank()) {
      throw new IllegalArgumentException("unixSocket is empty");
    }
    if (unixSocket.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("unixSocket contains a NUL character");
    }
    Path given = Path.of(unixSocket);
    for (Path part : given) {
      // Rejected outright rather than normalised away: "link/.." means something else to the OS
      // when "link" is a symlink, so lexical normalisation alone would not be safe.
      if (part.toString().equals("..")) {
        throw new IllegalArgumentException("unixSocket " + unixSocket + " must not contain '..'");
      }
    }
    List<Path> bases = new ArrayList<>();
    Path resolved;
    if (given.isAbsolute()) {
      resolved = given.normalize();
      if (runtimeDir != null) {
        bases.add(runtimeDir.toAbsolutePath().normalize());
      }
      for (Path root : socketRoots == null ? List.<Path>of() : socketRoots) {
        bases.add(root.toAbsolutePath().normalize());
      }
    } else {
      if (runtimeDir == null) {
        throw new IllegalArgumentException("unixSocket " + unixSocket
            + " is relative but the service has no runtime dir (use an absolute path under a socket root)");
      }
      Path base = runtimeDir.toAbsolutePath().normalize();
      bases.add(base);
      resolved = base.resolve(given).normalize();
    }
    Path lexicalBase = null;
    for (Path base : bases) {
      if (resolved.startsWith(base) && !resolved.equals(base)) {
        lexicalBase = base;
        break;
      }
    }
    if (lexicalBase == null) {
      throw new IllegalArgumentException("unixSocket " + unixSocket + " is not under "
          + (given.isAbsolute() ? "an allowed socket root " + bases : "the runtime dir"));
    }
    Path real = realPathOfExisting(resolved);
    boolean inside = false;
    for (Path base : bases) {
      Path realBase = realPathOfExisting(base);
      if (real.startsWith(realBase) && !real.equals(realBase)) {
        inside = true;
        break;
      }
    }
    if (!inside) {
      throw new IllegalArgumentException("unixSocket " + unixSocket + " escapes "
          + (given.isAbsolute() ? "the allowed socket roots" : "the runtime dir") + " through a symlink");
    }
    return resolved;
  }

  /**
   * The real path of the deepest existing ancestor of {@code path} (the path itself if it
   * exists), with the non-existing rest appended unchanged.
   */
  static Path realPathOfExisting(Path path) {
    return realPathOfExisting(path, 0);
  }

  private static Path realPathOfExisting(Path path, int depth) {
    Path existing = path;
    Path rest = null;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      Path name = existing.getFileName();
      rest = rest == null ? name : name.resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      // A dangling symlink: its target does not exist, so it points wherever it likes. Read it.
      try {
        Path target = Files.readSymbolicLink(existing);
        Path parent = existing.getParent();
        if (depth > 40) {
          throw new IllegalArgumentException("unixSocket: too many levels of symbolic links at " + existing);
        }
        real = realPathOfExisting(parent == null ? target : parent.resolve(target).normalize(), depth + 1);
      } catch (IOException | UnsupportedOperationException e2) {
        real = existing;
      }
    }
    return rest == null ? real : real.resolve(rest);
  }
}
