package tf.ourworld.hero.procservice.runtime.process.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The few glibc functions the Process runtime calls directly (glibc 2.34 or newer: closefrom and
 * chdir file actions). Every function returns as C does: posix_spawn* an errno value, the others
 * -1 with errno set ({@link Native#getLastError()}).
 */
interface LibC extends Library {
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_APPEND = 02000;
  int O_CLOEXEC = 02000000;

  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;
  short POSIX_SPAWN_SETSID = 0x80;

  int SIGKILL = 9;
  int SIGSTOP = 19;

  int EPOLL_CTL_ADD = 1;
  int EPOLL_CTL_DEL = 2;
  int EPOLLIN = 0x001;
  int EINTR = 4;
  int ECHILD = 10;
  int ESRCH = 3;

  int P_PID = 1;
  int WEXITED = 4;
  /** siginfo_t.si_code of a child that called exit (CLD_EXITED); killed is 2, dumped core 3. */
  int CLD_EXITED = 1;

  /** The same number on every Linux architecture (new syscalls share one table since 5.1). */
  long SYS_PIDFD_OPEN = 434;

  int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, StringArray argv,
      StringArray envp);

  int posix_spawn_file_actions_init(Pointer fileActions);

  int posix_spawn_file_actions_destroy(Pointer fileActions);

  int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int sigemptyset(Pointer sigset);

  int sigfillset(Pointer sigset);

  int sigdelset(Pointer sigset, int signal);

  long syscall(long number, Object... args);

  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, Pointer event);

  int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

  int eventfd(int initial, int flags);

  long write(int fd, Pointer buffer, long count);

  int waitid(int idType, int id, Pointer info, int options);

  int close(int fd);

  String strerror(int errno);

  /** Loads glibc; throws UnsatisfiedLinkError (or a JNA error) where it cannot. */
  static LibC load() {
    return Native.load("c", LibC.class);
  }
}
