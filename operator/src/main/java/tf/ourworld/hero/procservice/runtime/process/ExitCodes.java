package tf.ourworld.hero.procservice.runtime.process;

import java.time.Instant;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;

/**
 * Turns Java's exit value into {code, signal}: Java reports a death by signal n as 128+n (like a
 * shell), so code 137 is reported as {code: 137, signal: SIGKILL}. A program that calls exit(137)
 * itself looks the same; that ambiguity is Java's (and the shell's).
 */
final class ExitCodes {
  static final String ADOPTED_UNKNOWN = "exit status unknown: process was adopted after an operator restart";
  static final String GONE_WHILE_DOWN = "exit status unknown: process ended while the operator was not running";

  private static final String[] NAMES = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
    "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
    "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

  private ExitCodes() {
  }

  /** The exit of a child whose exit value Java reported. */
  static Exit fromExitValue(int value, Instant time) {
    String signal = signalName(value);
    String message = signal != null ? "killed by " + signal : "exited with code " + value;
    return new Exit(value, signal, time, message);
  }

  /** SIGKILL for 137, null when value is not 128 + a known signal number. */
  static String signalName(int value) {
    int n = value - 128;
    return n >= 1 && n < NAMES.length ? NAMES[n] : null;
  }

  static Exit unknown(Instant time, String message) {
    return new Exit(null, null, time, message);
  }
}
