package tf.ourworld.hero.procservice.runtime.process.linux;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Starts a program with posix_spawn(3): no shell and no Java reaper thread. The child gets a new
 * session and process group (POSIX_SPAWN_SETSID: its pid is both ids), default signal
 * dispositions and an empty signal mask, stdin from a file, stdout and stderr appended to one
 * file, a working directory, exactly the given environment, and no other descriptor of the
 * operator (closefrom(3)). glibc runs it as vfork + exec and returns exec's error, if any.
 */
final class PosixSpawn {
  /** Generous upper bounds of glibc's opaque types (80, 336 and 128 bytes on x86-64). */
  private static final int FILE_ACTIONS_BYTES = 256;
  private static final int ATTR_BYTES = 1024;
  private static final int SIGSET_BYTES = 256;
  private static final int LOG_MODE = 0640;

  private final LibC libc;

  PosixSpawn(LibC libc) {
    this.libc = libc;
  }

  /** What to start: absolute paths; argv[0] is the program's name as the child sees it. */
  record Spawn(String path, List<String> argv, List<String> env, String workingDir, String stdin, String output) {
  }

  /** The child's pid; IOException with the C error when the spawn (or the exec) failed. */
  long spawn(Spawn s) throws IOException {
    String[] argv = cStrings(s.argv(), "argument");
    String[] env = cStrings(s.env(), "environment value");
    Memory actions = new Memory(FILE_ACTIONS_BYTES);
    Memory attr = new Memory(ATTR_BYTES);
    Memory mask = new Memory(SIGSET_BYTES);
    Memory defaults = new Memory(SIGSET_BYTES);
    check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      check(libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
      try {
        check(libc.posix_spawn_file_actions_addchdir_np(actions, s.workingDir()), "chdir action");
        check(libc.posix_spawn_file_actions_addopen(actions, 0, s.stdin(), LibC.O_RDONLY, 0), "stdin action");
        check(libc.posix_spawn_file_actions_addopen(actions, 1, s.output(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND,
            LOG_MODE), "stdout action");
        check(libc.posix_spawn_file_actions_adddup2(actions, 1, 2), "stderr action");
        check(libc.posix_spawn_file_actions_addclosefrom_np(actions, 3), "closefrom action");
        libc.sigemptyset(mask);
        libc.sigfillset(defaults);
        libc.sigdelset(defaults, LibC.SIGKILL);
        libc.sigdelset(defaults, LibC.SIGSTOP);
        check(libc.posix_spawnattr_setsigmask(attr, mask), "posix_spawnattr_setsigmask");
        check(libc.posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault");
        check(libc.posix_spawnattr_setflags(attr, (short) (LibC.POSIX_SPAWN_SETSID | LibC.POSIX_SPAWN_SETSIGMASK
            | LibC.POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags");
        IntByReference pid = new IntByReference();
        int error = libc.posix_spawn(pid, s.path(), actions, attr, new StringArray(argv, StandardCharsets.UTF_8.name()),
            new StringArray(env, StandardCharsets.UTF_8.name()));
        if (error != 0) {
          throw new IOException("cannot start " + s.path() + " in " + s.workingDir() + ": " + libc.strerror(error));
        }
        return pid.getValue();
      } finally {
        libc.posix_spawnattr_destroy(attr);
      }
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
    }
  }

  private void check(int error, String what) throws IOException {
    if (error != 0) {
      throw new IOException(what + " failed: " + libc.strerror(error));
    }
  }

  /** C strings end at NUL: refuse one inside (as ProcessBuilder does), never pass a cut string. */
  private static String[] cStrings(List<String> values, String what) {
    for (String v : values) {
      if (v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid " + what + ": contains a NUL character");
      }
    }
    return values.toArray(String[]::new);
  }
}
