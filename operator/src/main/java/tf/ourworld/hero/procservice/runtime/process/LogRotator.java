package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Size-based rotation of a process's log file by copy-and-truncate.
 *
 * <p>Why not a pump thread reading a pipe: the process's stdout must outlive the operator, so
 * that a process adopted after an operator restart can keep writing (a pipe whose reader died
 * gives SIGPIPE/EPIPE and kills most programs). So the process appends directly to
 * {@code <name>.log} (opened O_APPEND) and the rotator copies it to {@code <name>.log.1} and
 * truncates it (a rotated file keeps at most maxBytes, the newest); with O_APPEND the process's next write lands at the new end. Lines written
 * between the copy and the truncate are lost (like logrotate's copytruncate).
 */
final class LogRotator {
  private final LogLimits limits;

  LogRotator(LogLimits limits) {
    this.limits = limits;
  }

  /** Rotates when the file has reached the bound; returns whether it did. */
  boolean rotateIfNeeded(Path log) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(log, BasicFileAttributes.class); // one stat(2) per file and check
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!attributes.isRegularFile() || attributes.size() < limits.maxBytes()) {
      return false;
    }
    if (limits.files() == 1) {
      truncate(log);
      return true;
    }
    Files.deleteIfExists(rotated(log, limits.files() - 1));
    for (int i = limits.files() - 2; i >= 1; i--) {
      Path from = rotated(log, i);
      if (Files.exists(from)) {
        Files.move(from, rotated(log, i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    copyTail(log, rotated(log, 1));
    truncate(log);
    return true;
  }

  /** Copies at most maxBytes (the newest) so a rotated file never exceeds the bound. */
  private void copyTail(Path log, Path target) throws IOException {
    try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long size = in.size();
      long from = Math.max(0, size - limits.maxBytes());
      long pos = from;
      while (pos < size) {
        long n = in.transferTo(pos, size - pos, out);
        if (n <= 0) {
          break;
        }
        pos += n;
      }
    }
  }

  static Path rotated(Path log, int n) {
    return log.resolveSibling(log.getFileName() + "." + n);
  }

  private static void truncate(Path log) throws IOException {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
  }
}
