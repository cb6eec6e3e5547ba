package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of Linux {@code /proc/<pid>/stat} the Process runtime needs.
 *
 * <p>{@code startTicks} (field 22, clock ticks since boot) together with the pid identifies one
 * process for its whole life: a reused pid has a different start time. {@link ProcessHandle}
 * cannot be used for liveness because it reports zombies as alive.
 *
 * @param pid process id
 * @param state one-letter state (R, S, D, Z, X, ...)
 * @param ppid parent pid
 * @param pgrp process group id
 * @param session session id
 * @param startTicks start time in clock ticks since boot
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long session, long startTicks) {

  private static final Path PROC = Path.of("/proc");

  /** True unless the process is a zombie or dead (it has ended and only waits to be reaped). */
  public boolean alive() {
    return state != 'Z' && state != 'X';
  }

  /** The stat of a pid, empty when there is no such process (or /proc cannot be read). */
  public static Optional<ProcStat> read(long pid) {
    try {
      return Optional.of(parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True when the pid is alive and still the process that started at startTicks. */
  public static boolean isAlive(long pid, long startTicks) {
    return read(pid).filter(s -> s.startTicks == startTicks && s.alive()).isPresent();
  }

  /** Every process visible in /proc. */
  public static List<ProcStat> all() {
    List<ProcStat> result = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        read(Long.parseLong(dir.getFileName().toString())).ifPresent(result::add);
      }
    } catch (IOException e) {
      // /proc unreadable: nothing can be found; callers treat that as "nothing left".
    }
    return result;
  }

  /** Parses one stat line; the command name (field 2) may contain spaces and parentheses. */
  static ProcStat parse(String line) {
    int close = line.lastIndexOf(')');
    long pid = Long.parseLong(line.substring(0, line.indexOf(' ')).trim());
    String[] f = line.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state), so field n is f[n - 3].
    return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
        Long.parseLong(f[3]), Long.parseLong(f[19]));
  }

  private static boolean isNumeric(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
