package tf.ourworld.hero.procservice.observability;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** How log lines look: one JSON object per line (production) or a human-readable line (local). */
public enum LogFormat {
  JSON, TEXT;

  /** System property logback.xml reads the format from. */
  public static final String PROPERTY = "procservice.log.format";

  /** Parses {@code json} or {@code text} (any case). */
  public static LogFormat parse(String value) {
    if (value != null) {
      for (LogFormat f : values()) {
        if (f.name().equalsIgnoreCase(value.trim())) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("--log-format must be json or text, not '" + value + "'");
  }

  /** The CLI value, {@code json} or {@code text}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Switches every log line to {@code format} ({@code json} or {@code text}) by setting
   * {@value #PROPERTY} and reconfiguring logback from its usual configuration file, and routes
   * java.util.logging (the mock API server, Vert.x) through it too. Call it before anything else
   * logs; lines already written stay as they were.
   */
  public static LogFormat apply(String format) {
    LogFormat f = parse(format);
    System.setProperty(PROPERTY, f.value());
    routeJavaUtilLogging();
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext ctx) {
      ctx.reset();
      try {
        new ContextInitializer(ctx).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException("Cannot reconfigure logging for --log-format " + f.value() + ": " + e.getMessage(), e);
      }
    }
    return f;
  }

  /** Replaces JUL's console handler by the SLF4J bridge; logback.xml propagates its levels to JUL. */
  private static synchronized void routeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
