package tf.ourworld.hero.procservice.runtime.process.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that notices the end of every watched process: each has a pidfd (pidfd_open(2),
 * Linux 5.3) in one epoll set, which turns readable when the process ends. A child of ours is
 * then reaped with waitid(2) and its exact exit reported; any other process (adopted after an
 * operator restart) is only reported gone. A pidfd refers to one process for good, so a pid
 * that is reused later cannot be mistaken for the one watched.
 *
 * <p>The futures complete on this thread: dependents must run asynchronously (thenRunAsync with
 * an executor), never block it.
 */
final class PidfdReaper implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PidfdReaper.class);
  static final String THREAD_NAME = "process-exits";
  private static final int MAX_EVENTS = 64;
  private static final int SIGINFO_BYTES = 128;
  /** Offsets of si_code and si_status in siginfo_t (the same on x86-64 and aarch64). */
  private static final int SI_CODE = 8;
  private static final int SI_STATUS = 24;

  /** struct epoll_event is packed on x86-64 (12 bytes: events, then data at 4), padded elsewhere. */
  private static final boolean PACKED = Platform.isIntel() && Platform.is64Bit();
  private static final int EVENT_BYTES = PACKED ? 12 : 16;
  private static final int DATA_OFFSET = PACKED ? 4 : 8;

  private record Watch(long pid, boolean child, CompletableFuture<WaitStatus> end) {
  }

  private final LibC libc;
  private final int epfd;
  private final Map<Integer, Watch> watches = new ConcurrentHashMap<>();

  PidfdReaper(LibC libc) throws IOException {
    this.libc = libc;
    this.epfd = libc.epoll_create1(LibC.O_CLOEXEC);
    if (epfd < 0) {
      throw new IOException("epoll_create1 failed: " + libc.strerror(Native.getLastError()));
    }
    Thread thread = new Thread(this, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  /** Processes watched now. */
  int watched() {
    return watches.size();
  }

  /**
   * A child we spawned and nobody else waits for: completes with how it ended, once reaped. Where
   * no pidfd can be had (out of descriptors), a thread of its own waits for it instead.
   */
  CompletableFuture<WaitStatus> child(long pid) {
    CompletableFuture<WaitStatus> end = new CompletableFuture<>();
    int fd = pidfdOpen(pid);
    if (fd < 0 || !register(fd, new Watch(pid, true, end))) {
      log.atWarn().setMessage("No pidfd for a child: a thread of its own waits for it")
          .addKeyValue("pid", pid).addKeyValue("error", libc.strerror(Native.getLastError())).log();
      Thread waiter = new Thread(() -> end.complete(reap(pid, new Memory(SIGINFO_BYTES))), THREAD_NAME + "-" + pid);
      waiter.setDaemon(true);
      waiter.start();
    }
    return end;
  }

  /**
   * Any process (not necessarily ours): completes with null once it has ended. same tells, after
   * the pidfd is open, whether pid is still the process meant (its start time): if not, it ended.
   * Throws when the process exists but cannot be watched (the caller then polls).
   */
  CompletableFuture<WaitStatus> any(long pid, BooleanSupplier same) throws IOException {
    CompletableFuture<WaitStatus> end = new CompletableFuture<>();
    int fd = pidfdOpen(pid);
    if (fd < 0) {
      int error = Native.getLastError();
      if (error == LibC.ESRCH) {
        end.complete(null);
        return end;
      }
      throw new IOException("pidfd_open(" + pid + ") failed: " + libc.strerror(error));
    }
    if (!same.getAsBoolean()) {
      libc.close(fd);
      end.complete(null);
      return end;
    }
    if (!register(fd, new Watch(pid, false, end))) {
      throw new IOException("epoll_ctl failed: " + libc.strerror(Native.getLastError()));
    }
    return end;
  }

  private int pidfdOpen(long pid) {
    return (int) libc.syscall(LibC.SYS_PIDFD_OPEN, (int) pid, 0);
  }

  private boolean register(int fd, Watch watch) {
    watches.put(fd, watch);
    Memory event = new Memory(EVENT_BYTES);
    event.clear();
    event.setInt(0, LibC.EPOLLIN);
    event.setLong(DATA_OFFSET, fd);
    if (libc.epoll_ctl(epfd, LibC.EPOLL_CTL_ADD, fd, event) != 0) {
      watches.remove(fd);
      libc.close(fd);
      return false;
    }
    return true;
  }

  @Override
  public void run() {
    Memory events = new Memory((long) EVENT_BYTES * MAX_EVENTS);
    Memory info = new Memory(SIGINFO_BYTES);
    while (true) {
      int n = libc.epoll_wait(epfd, events, MAX_EVENTS, -1);
      if (n < 0) {
        int error = Native.getLastError();
        if (error != LibC.EINTR) {
          log.atError().setMessage("epoll_wait failed; process exits are no longer noticed promptly")
              .addKeyValue("error", libc.strerror(error)).log();
          return;
        }
        continue;
      }
      for (int i = 0; i < n; i++) {
        int fd = (int) events.getLong((long) i * EVENT_BYTES + DATA_OFFSET);
        Watch watch = watches.remove(fd);
        if (watch == null) {
          continue;
        }
        libc.epoll_ctl(epfd, LibC.EPOLL_CTL_DEL, fd, null);
        WaitStatus status = watch.child() ? reap(watch.pid(), info) : null;
        libc.close(fd);
        try {
          watch.end().complete(status);
        } catch (RuntimeException e) {
          log.atError().setMessage("A process exit callback failed").addKeyValue("pid", watch.pid()).setCause(e).log();
        }
      }
    }
  }

  /** Reaps an ended child; null when it cannot (someone else reaped it). */
  private WaitStatus reap(long pid, Memory info) {
    while (true) {
      info.clear();
      if (libc.waitid(LibC.P_PID, (int) pid, info, LibC.WEXITED) == 0) {
        int status = info.getInt(SI_STATUS);
        return info.getInt(SI_CODE) == LibC.CLD_EXITED ? WaitStatus.exitedWith(status) : WaitStatus.killedBy(status);
      }
      if (Native.getLastError() != LibC.EINTR) {
        return null;
      }
    }
  }
}
