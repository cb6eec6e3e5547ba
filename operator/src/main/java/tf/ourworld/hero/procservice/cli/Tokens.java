package tf.ourworld.hero.procservice.cli;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Annotation values that are new each time (the operator acts once per value), and --timeout. */
final class Tokens {
  private static final AtomicLong LAST = new AtomicLong();

  private Tokens() {
  }

  /** A new value: the time in milliseconds, strictly increasing within this process. */
  static String next() {
    long now = Instant.now().toEpochMilli();
    return String.valueOf(LAST.updateAndGet(last -> Math.max(last + 1, now)));
  }

  /** 30, 30s, 2m, 1h as seconds. */
  static long seconds(String duration) {
    String d = duration.trim();
    long unit = 1;
    if (d.endsWith("s")) {
      d = d.substring(0, d.length() - 1);
    } else if (d.endsWith("m")) {
      unit = 60;
      d = d.substring(0, d.length() - 1);
    } else if (d.endsWith("h")) {
      unit = 3600;
      d = d.substring(0, d.length() - 1);
    }
    try {
      long n = Long.parseLong(d);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new CliException("--timeout must be a positive duration like 30s, 2m or 1h, not " + duration,
          ClientCommand.EXIT_USAGE);
    }
  }
}
