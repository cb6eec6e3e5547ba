package tf.ourworld.hero.procservice.probe;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * exec: runs argv directly (no shell) with the runtime dir as cwd; exit 0 passes. At the deadline
 * the process and its descendants are killed.
 */
final class ExecCheck implements ProbeCheck {
  private final List<String> argv;
  private final Path workingDir;

  ExecCheck(List<String> argv, Path workingDir) {
    this.argv = List.copyOf(argv);
    this.workingDir = workingDir;
  }

  @Override
  public String kind() {
    return "exec";
  }

  @Override
  public String target() {
    return "exec " + argv.get(0); // arguments may carry secrets: never shown
  }

  /** What an exec probe inherits from the operator's environment. */
  static final java.util.List<String> SAFE_ENV = java.util.List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
      "TZ", "TMPDIR");

  @Override
  public void run(ProbeCall call) throws ProbeFailure, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    // Like the service's processes: a few harmless variables, never the operator's own environment
    // (which may hold credentials).
    java.util.Map<String, String> env = builder.environment();
    java.util.Map<String, String> keep = new java.util.HashMap<>();
    for (String name : SAFE_ENV) {
      String v = System.getenv(name);
      if (v != null) {
        keep.put(name, v);
      }
    }
    env.clear();
    env.putAll(keep);
    if (workingDir != null) {
      env.put("PROCSERVICE_RUNTIME_DIR", workingDir.toString());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ProbeFailure("cannot run " + argv.get(0) + ": " + reason(e));
    }
    call.register(() -> killTree(process));
    int code = process.waitFor();
    if (call.expired()) {
      throw new ProbeFailure(call.timeoutText());
    }
    if (code != 0) {
      throw new ProbeFailure("exit code " + code);
    }
  }

  private static void killTree(Process process) {
    // Descendants first, listed while the parent still lives: once it dies they are reparented.
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static String reason(IOException e) {
    String m = String.valueOf(e.getMessage());
    int i = m.lastIndexOf(", ");
    String tail = i >= 0 ? m.substring(i + 2) : m; // "error=2, No such file or directory"
    return tail.toLowerCase(Locale.ROOT);
  }
}
