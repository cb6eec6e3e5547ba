package tf.ourworld.hero.procservice.cli;

/** Chooses the log format before anything logs. */
final class Logging {
  private Logging() {
  }

  static void apply(String format) {
    System.setProperty("procservice.log.format", format == null ? "json" : format);
  }
}
