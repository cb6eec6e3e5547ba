package tf.ourworld.hero.procservice.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.observability.LogFormat;
import tf.ourworld.hero.procservice.observability.LogLineEncoder;

/** Chooses the log format before anything logs, and where the lines go. */
final class Logging {
  /** Size at which the log file rolls over to {@code .1} (three old files are kept). */
  static final String MAX_FILE_SIZE = "10MB";

  private Logging() {
  }

  static void apply(String format) {
    LogFormat.apply(format == null ? "json" : format);
  }

  /** The client commands print their own lines (until the result is closed): the libraries' log lines would only clutter them. */
  static AutoCloseable quiet() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return () -> { };
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.Appender<ILoggingEvent> console = root.getAppender("STDOUT");
    if (console == null) {
      return () -> { };
    }
    root.detachAppender(console); // every logger ends at the root's console appender
    return () -> root.addAppender(console);
  }

  /**
   * Sends every log line to {@code file} instead of the console (rolling over at
   * {@value #MAX_FILE_SIZE}, keeping {@code file.1} .. {@code file.3}): {@code local}'s console is
   * for its table. Does nothing when logback is not the SLF4J backend. Closing the result puts the
   * console back.
   */
  static AutoCloseable toFile(Path file, String format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext ctx)) {
      return () -> { };
    }
    LogLineEncoder encoder = new LogLineEncoder();
    encoder.setContext(ctx);
    encoder.setFormat(format);
    encoder.start();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName("FILE");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(ctx);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(3);
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(ctx);
    trigger.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    rolling.start();
    trigger.start();
    appender.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.Appender<ILoggingEvent> console = root.getAppender("STDOUT");
    root.addAppender(appender);
    root.detachAppender("STDOUT");
    return () -> {
      if (console != null) {
        root.addAppender(console);
      }
      root.detachAppender(appender);
      appender.stop();
    };
  }
}
