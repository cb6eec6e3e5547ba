package tf.ourworld.hero.procservice.runtime.process;

import java.time.Instant;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * Turns how a process ended into {code, signal}. A death by signal n is reported as code 128 + n
 * with the signal's name (as Kubernetes reports a container's), so SIGKILL is {code: 137, signal:
 * SIGKILL}. The posix_spawn launcher knows which it was; with Java's ProcessBuilder an exit(137)
 * is indistinguishable from SIGKILL (Java reports both as 137) and is read as the signal.
 */
final class ExitCodes {
  static final String ADOPTED_UNKNOWN = "exit status unknown: process was adopted after an operator restart";
  static final String GONE_WHILE_DOWN = "exit status unknown: process ended while the operator was not running";
  static final String NOT_REAPED = "exit status unknown: the process ended but its status was not reported";

  private static final String[] NAMES = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
    "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
    "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
    "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

  private ExitCodes() {
  }

  /** The exit of a child; unknown when its status could not be had (someone else reaped it). */
  static Exit of(WaitStatus status, Instant time) {
    if (status == null) {
      return unknown(time, NOT_REAPED);
    }
    if (status.exited()) {
      return new Exit(status.status(), null, time, "exited with code " + status.status());
    }
    String signal = status.status() >= 1 && status.status() < NAMES.length ? NAMES[status.status()]
        : "signal " + status.status();
    return new Exit(128 + status.status(), signal, time, "killed by " + signal);
  }

  static Exit unknown(Instant time, String message) {
    return new Exit(null, null, time, message);
  }
}
