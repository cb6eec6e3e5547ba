package tf.ourworld.hero.procservice.runtime.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one process without a shell, in its own session and process group, with a clean
 * environment and stdout+stderr appended to its log file.
 *
 * <p>The argv is {@code /usr/bin/setsid <real path> args...}. util-linux setsid calls setsid(2)
 * and execs in place when it is not a process group leader, which a freshly spawned child never
 * is: so the pid Java sees is the service process itself, and it leads a new session and group
 * whose id is its pid (checked by ProcessRuntimeTest). It forks only when it already leads a
 * group, which cannot happen here.
 */
final class ProcessLauncher {
  static final Path SETSID = Path.of("/usr/bin/setsid");

  /** Operator environment variables a process inherits; everything else (tokens, ...) is not passed. */
  static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  /** What to start. env holds the spec's variables (names already checked). */
  record Request(String process, Path executable, List<String> args, Map<String, String> env, Path workingDir,
      Path runtimeDir, Path logFile, String token) {
  }

  /** A started process; startTicks is 0 when it ended before /proc could be read. */
  record Launched(Process process, long pid, long startTicks) {
  }

  Launched launch(Request request, Instant now) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(SETSID.toString());
    argv.add(request.executable().toString());
    argv.addAll(request.args());
    ProcessBuilder pb = new ProcessBuilder(argv);
    Map<String, String> env = pb.environment();
    Map<String, String> inherited = Map.copyOf(env);
    env.clear();
    for (String name : INHERITED_ENV) {
      if (inherited.containsKey(name)) {
        env.put(name, inherited.get(name));
      }
    }
    request.env().forEach((k, v) -> env.put(k, v == null ? "" : v));
    // Last, so a spec cannot point the process somewhere else.
    env.put(RuntimeDirs.ENV_RUNTIME_DIR, request.runtimeDir().toString());
    // The token recorded (durably) before this fork: a later operator finds the child by it in
    // /proc/<pid>/environ even when it died before it could record the pid (TokenScan).
    env.put(TokenScan.ENV_TOKEN, request.token());
    env.put(TokenScan.ENV_PROCESS, request.process());
    pb.directory(request.workingDir().toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(request.logFile().toFile()));
    writeHeader(request, now);
    Process process = pb.start();
    long pid = process.pid();
    long ticks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(0L);
    return new Launched(process, pid, ticks);
  }

  /** A marker line between incarnations; names only, no arguments or environment (secrets). */
  private static void writeHeader(Request request, Instant now) throws IOException {
    String line = "--- procservice: starting process " + request.process() + " (" + request.executable()
        + ") at " + now + " ---\n";
    Files.writeString(request.logFile(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
