package tf.ourworld.hero.procservice.runtime.process.linux;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Starting and reaping processes through glibc and Linux directly: posix_spawn(3) to start,
 * pidfd_open(2) + epoll + waitid(2) on one thread ({@link PidfdReaper}) to notice every end.
 * Java's ProcessBuilder instead keeps a thread per child blocked in waitpid, and polls an adopted
 * process every few seconds. One instance per JVM, made on first use.
 */
public final class LinuxProcesses {
  /** The glibc functions beyond POSIX this needs: glibc 2.29 (chdir) and 2.34 (closefrom). */
  private static final List<String> GLIBC_EXTENSIONS = List.of("posix_spawn_file_actions_addchdir_np",
      "posix_spawn_file_actions_addclosefrom_np");

  private static final Object LOCK = new Object();
  private static volatile LinuxProcesses shared;
  private static volatile String unavailable;

  private final PosixSpawn spawner;
  private final PidfdReaper reaper;

  private LinuxProcesses(LibC libc) throws IOException {
    this.spawner = new PosixSpawn(libc);
    this.reaper = new PidfdReaper(libc);
  }

  /** Why this host cannot use it (not Linux, glibc too old, no pidfd), or null when it can. */
  public static String unavailableReason() {
    init();
    return unavailable;
  }

  /** The JVM's one instance; IllegalStateException when {@link #unavailableReason()} is not null. */
  public static LinuxProcesses shared() {
    init();
    if (shared == null) {
      throw new IllegalStateException(unavailable);
    }
    return shared;
  }

  private static void init() {
    if (shared != null || unavailable != null) {
      return;
    }
    synchronized (LOCK) {
      if (shared != null || unavailable != null) {
        return;
      }
      try {
        if (!Platform.isLinux()) {
          unavailable = "not Linux";
          return;
        }
        LibC libc = LibC.load();
        NativeLibrary c = NativeLibrary.getInstance("c");
        for (String function : GLIBC_EXTENSIONS) {
          c.getFunction(function);
        }
        int self = (int) libc.syscall(LibC.SYS_PIDFD_OPEN, (int) ProcessHandle.current().pid(), 0);
        if (self < 0) {
          unavailable = "pidfd_open is not available (Linux 5.3 or newer is needed)";
          return;
        }
        libc.close(self);
        shared = new LinuxProcesses(libc);
      } catch (IOException | LinkageError | RuntimeException e) {
        unavailable = "glibc 2.34 or newer and JNA are needed: " + e.getMessage();
      }
    }
  }

  /**
   * Starts path with argv (argv[0] included) and exactly env ("NAME=value"), in its own session,
   * from workingDir, stdin from stdin, stdout and stderr appended to output. Returns the pid.
   */
  public long spawn(Path path, List<String> argv, List<String> env, Path workingDir, Path stdin, Path output)
      throws IOException {
    return spawner.spawn(new PosixSpawn.Spawn(path.toString(), argv, env, workingDir.toString(), stdin.toString(),
        output.toString()));
  }

  /** How a child returned by {@link #spawn} ends; it is reaped here, so nobody else may wait for it. */
  public CompletableFuture<WaitStatus> exitOf(long childPid) {
    return reaper.child(childPid);
  }

  /**
   * Completes once process pid has ended; same tells whether pid is still the process meant
   * (checked after the watch is set up, so a quick end in between is not missed).
   */
  public CompletableFuture<Void> whenGone(long pid, BooleanSupplier same) throws IOException {
    return reaper.any(pid, same).thenApply(ignored -> null);
  }

  /** Processes watched now. */
  public int watched() {
    return reaper.watched();
  }

  /** The name of the thread that reaps them all. */
  public static String threadName() {
    return PidfdReaper.THREAD_NAME;
  }
}
