package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tf.ourworld.hero.procservice.runtime.process.linux.LinuxProcesses;

/**
 * The default launcher on Linux: posix_spawn (POSIX_SPAWN_SETSID, so no setsid program) and one
 * thread for every process's end, through {@link LinuxProcesses}. argv[0] is the program's real
 * path, as with a direct exec.
 */
final class SpawnProcessLauncher implements ProcessLauncher {
  private final LinuxProcesses linux = LinuxProcesses.shared();

  static String unavailableReason() {
    return LinuxProcesses.unavailableReason();
  }

  @Override
  public Launched launch(Request request, Instant now) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(request.executable().toString());
    argv.addAll(request.args());
    List<String> env = new ArrayList<>();
    ProcessLauncher.environment(request, System.getenv()).forEach((k, v) -> env.add(k + "=" + v));
    if (!Files.isDirectory(request.workingDir())) {
      throw new IOException("working directory " + request.workingDir() + " does not exist");
    }
    ProcessLauncher.writeHeader(request, now);
    long pid = linux.spawn(request.executable(), argv, env, request.workingDir(), DEV_NULL, request.logFile());
    // Watch before anything else can fail: the child is ours to reap from here on.
    var exit = linux.exitOf(pid);
    long ticks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(0L);
    return new Launched(pid, ticks, exit);
  }

  @Override
  public CompletableFuture<Void> whenGone(long pid, long startTicks) {
    try {
      return linux.whenGone(pid, () -> ProcStat.isAlive(pid, startTicks));
    } catch (IOException e) {
      // Cannot watch it (out of descriptors): the runtime's poll of adopted processes still sees the end.
      return new CompletableFuture<>();
    }
  }

  @Override
  public String description() {
    return "posix_spawn, one " + LinuxProcesses.threadName() + " thread for all (pidfd + epoll)";
  }
}
