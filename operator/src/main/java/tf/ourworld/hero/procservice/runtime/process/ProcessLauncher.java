package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * Starts one process without a shell, in its own session and process group (its pid is both
 * ids), with a clean environment, stdin from /dev/null and stdout+stderr appended to its log
 * file; and tells when a process ends. Two ways, chosen by {@link #forHost()}: posix_spawn with
 * one reaper thread for all ({@link SpawnProcessLauncher}), or Java's ProcessBuilder with a
 * thread per process ({@link JdkProcessLauncher}) where the first cannot be had.
 */
interface ProcessLauncher {
  /** Operator environment variables a process inherits; everything else (tokens, ...) is not passed. */
  List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  Path DEV_NULL = Path.of("/dev/null");

  /** The system property that picks the launcher ("jdk" or "spawn"); unset: spawn where it works. */
  String PROPERTY = "procservice.processLauncher";

  /** What to start. env holds the spec's variables (names already checked). */
  record Request(String process, Path executable, List<String> args, Map<String, String> env, Path workingDir,
      Path runtimeDir, Path logFile, String token) {
  }

  /**
   * A started process; startTicks is 0 when it ended before /proc could be read. exit completes
   * (on some other thread: depend on it asynchronously) with how it ended.
   */
  record Launched(long pid, long startTicks, CompletableFuture<WaitStatus> exit) {
  }

  Launched launch(Request request, Instant now) throws IOException;

  /**
   * Completes once process pid, started at startTicks and not necessarily our child (adopted
   * after an operator restart), has ended; at once when it already has.
   */
  CompletableFuture<Void> whenGone(long pid, long startTicks);

  /** How it starts and reaps, for the log and the docs. */
  String description();

  /** Java's if asked by {@link #PROPERTY} or where posix_spawn and pidfds are missing, else spawn. */
  static ProcessLauncher forHost() {
    String asked = System.getProperty(PROPERTY, "");
    if (asked.equals("jdk") || SpawnProcessLauncher.unavailableReason() != null) {
      return new JdkProcessLauncher();
    }
    return new SpawnProcessLauncher();
  }

  /**
   * The process's whole environment: the inherited operator variables, the spec's, then the
   * runtime dir and the start token last, so that a spec can override neither.
   */
  static Map<String, String> environment(Request request, Map<String, String> operatorEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED_ENV) {
      if (operatorEnv.containsKey(name)) {
        env.put(name, operatorEnv.get(name));
      }
    }
    request.env().forEach((k, v) -> env.put(k, v == null ? "" : v));
    env.put(RuntimeDirs.ENV_RUNTIME_DIR, request.runtimeDir().toString());
    // The token recorded (durably) before this fork: a later operator finds the child by it in
    // /proc/<pid>/environ even when it died before it could record the pid (TokenScan).
    env.put(TokenScan.ENV_TOKEN, request.token());
    env.put(TokenScan.ENV_PROCESS, request.process());
    return env;
  }

  /** A marker line between incarnations; names only, no arguments or environment (secrets). */
  static void writeHeader(Request request, Instant now) throws IOException {
    String line = "--- procservice: starting process " + request.process() + " (" + request.executable()
        + ") at " + now + " ---\n";
    Files.writeString(request.logFile(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
