package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Records every log line while open; {@link #assertNone()} fails on any API refusal by RBAC (403). */
public final class ForbiddenLog implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public ForbiddenLog() {
    appender.start();
    root.addAppender(appender);
  }

  public void assertNone() {
    List<String> refused;
    synchronized (appender.list) {
      refused = appender.list.stream().map(ForbiddenLog::text)
          .filter(t -> t.contains("Forbidden") || t.contains("forbidden: User") || t.contains("code=403")).toList();
    }
    assertThat(refused).as("requests the operator made that RBAC refused (403)").isEmpty();
  }

  static String text(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(e.getFormattedMessage());
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return b.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
