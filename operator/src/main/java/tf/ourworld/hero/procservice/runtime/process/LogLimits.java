package tf.ourworld.hero.procservice.runtime.process;

import java.time.Duration;

/**
 * Bounds of a process's log: rotate when the current file reaches maxBytes, keep files files in
 * all (current + rotated), look every checkInterval. Disk use per process stays near
 * {@code files × maxBytes} (plus what it writes in one interval).
 */
public record LogLimits(long maxBytes, int files, Duration checkInterval) {
  public LogLimits {
    if (maxBytes < 1 || files < 1 || checkInterval.isZero() || checkInterval.isNegative()) {
      throw new IllegalArgumentException("log limits must be positive");
    }
  }

  /** 10 MiB × 3 files, checked every second. */
  public static LogLimits defaults() {
    return new LogLimits(10L * 1024 * 1024, 3, Duration.ofSeconds(1));
  }
}
