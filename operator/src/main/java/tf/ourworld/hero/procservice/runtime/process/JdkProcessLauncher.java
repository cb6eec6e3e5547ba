package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * The fallback launcher: Java's ProcessBuilder, which keeps a {@code process reaper} thread per
 * child, and ProcessHandle.onExit for adopted processes (a thread each, polling every few
 * seconds; {@link ProcessRuntime} polls them too).
 *
 * <p>The argv is {@code /usr/bin/setsid <real path> args...}. util-linux setsid calls setsid(2)
 * and execs in place when it is not a process group leader, which a freshly spawned child never
 * is: so the pid Java sees is the service process itself, and it leads a new session and group
 * whose id is its pid (checked by ProcessLauncherContract). It forks only when it already leads a
 * group, which cannot happen here.
 */
final class JdkProcessLauncher implements ProcessLauncher {
  static final Path SETSID = Path.of("/usr/bin/setsid");

  @Override
  public Launched launch(Request request, Instant now) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(SETSID.toString());
    argv.add(request.executable().toString());
    argv.addAll(request.args());
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> env = pb.environment();
    Map<String, String> wanted = ProcessLauncher.environment(request, Map.copyOf(env));
    env.clear();
    env.putAll(wanted);
    pb.directory(request.workingDir().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL.toFile()));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(request.logFile().toFile()));
    ProcessLauncher.writeHeader(request, now);
    Process process = pb.start();
    long pid = process.pid();
    long ticks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(0L);
    CompletableFuture<WaitStatus> exit = process.onExit().thenApply(p -> WaitStatus.fromJavaExitValue(p.exitValue()));
    return new Launched(pid, ticks, exit);
  }

  @Override
  public CompletableFuture<Void> whenGone(long pid, long startTicks) {
    return ProcessHandle.of(pid).filter(h -> ProcStat.isAlive(pid, startTicks))
        .map(h -> h.onExit().<Void>thenApply(ignored -> null))
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  @Override
  public String description() {
    return "ProcessBuilder via " + SETSID + " (a reaper thread per process)";
  }
}
