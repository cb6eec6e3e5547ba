package tf.ourworld.hero.procservice.runtime.process.linux;

/**
 * How a child ended, as waitid(2) reports it: it exited with a code, or a signal killed it. Exact,
 * unlike Java's {@code Process.exitValue()}, which reports a signal n as 128 + n and so cannot tell
 * {@code exit(137)} from SIGKILL.
 */
public record WaitStatus(boolean exited, int status) {
  /** Signals whose death Java's exit value (128 + n) is read back as; Linux numbers 1..31. */
  private static final int MAX_SIGNAL = 31;

  public static WaitStatus exitedWith(int code) {
    return new WaitStatus(true, code);
  }

  public static WaitStatus killedBy(int signal) {
    return new WaitStatus(false, signal);
  }

  /**
   * Reads a {@code Process.exitValue()} back: 128 + n for a known signal n is taken as that signal
   * (the shell's and Java's convention; an {@code exit(137)} looks the same there).
   */
  public static WaitStatus fromJavaExitValue(int value) {
    int signal = value - 128;
    return signal >= 1 && signal <= MAX_SIGNAL ? killedBy(signal) : exitedWith(value);
  }
}
