package tf.ourworld.hero.procservice.probe;

import tf.ourworld.hero.procservice.model.ProbeSpec;

/**
 * One probe compiled once and run on request, bounded by its timeout, on the caller's thread: what
 * the probe agent keeps per probe it was given. The scheduler has its own loop and does not use it.
 */
public final class PreparedProbe implements AutoCloseable {
  private final ProbeCheck check;
  private final int timeoutSeconds;
  private final ProbeInvoker invoker;

  private PreparedProbe(ProbeCheck check, int timeoutSeconds, Watchdog watchdog) {
    this.check = check;
    this.timeoutSeconds = timeoutSeconds;
    this.invoker = new ProbeInvoker(watchdog);
  }

  /**
   * Compiles the probe against the target.
   *
   * @throws IllegalArgumentException naming the field when the probe cannot run there
   */
  public static PreparedProbe of(ProbeSpec spec, ProbeTarget target, Watchdog watchdog) {
    return new PreparedProbe(ProbeChecks.compile(spec, target), ProbeChecks.timeoutSeconds(spec), watchdog);
  }

  /** What is probed, for logs (no headers, no bodies). */
  public String target() {
    return check.target();
  }

  /** Runs once. */
  public ProbeOutcome run() {
    return invoker.invoke(check, timeoutSeconds);
  }

  @Override
  public void close() {
    check.close();
  }
}
