package tf.ourworld.hero.procservice.cli;

import tf.ourworld.hero.procservice.observability.LogFormat;

/** Chooses the log format before anything logs. */
final class Logging {
  private Logging() {
  }

  static void apply(String format) {
    LogFormat.apply(format == null ? "json" : format);
  }
}
