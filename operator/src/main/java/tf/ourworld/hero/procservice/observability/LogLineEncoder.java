package tf.ourworld.hero.procservice.observability;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder writing one line per event, as JSON or as text ({@code format} property).
 *
 * <p>JSON: {@code {"time":"…Z","level":"WARN","logger":"…","thread":"…","message":"…","event":"probe_failed",…}}
 * with the SLF4J key/value pairs ({@code log.atWarn().addKeyValue(..)}) and MDC entries as top-level
 * fields, numbers and booleans unquoted, and {@code exception} holding a stack trace. Text:
 * {@code HH:mm:ss.SSS LEVEL logger - message key=value …}.
 */
public class LogLineEncoder extends EncoderBase<ILoggingEvent> {
  /** Top-level JSON fields a key/value pair must not overwrite; such a pair is written as {@code kv.<key>}. */
  private static final Set<String> RESERVED = Set.of("time", "level", "logger", "thread", "message", "exception");
  private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private LogFormat format = LogFormat.JSON;
  private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(36);

  /** {@code json} or {@code text}; logback calls it with the value of {@code procservice.log.format}. */
  public void setFormat(String value) {
    this.format = LogFormat.parse(value == null || value.isBlank() ? "json" : value);
  }

  public LogFormat getFormat() {
    return format;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = format == LogFormat.JSON ? json(event) : text(event);
    return line.getBytes(StandardCharsets.UTF_8);
  }

  /** One JSON object and a newline. */
  String json(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256).append('{');
    field(b, "time", Instant.ofEpochMilli(event.getTimeStamp()).truncatedTo(ChronoUnit.MILLIS).toString());
    b.append(',');
    field(b, "level", event.getLevel().toString());
    b.append(',');
    field(b, "logger", event.getLoggerName());
    b.append(',');
    field(b, "thread", event.getThreadName());
    b.append(',');
    field(b, "message", event.getFormattedMessage());
    Set<String> written = new LinkedHashSet<>(RESERVED);
    for (KeyValuePair kv : pairs(event)) {
      String key = written.contains(kv.key) ? "kv." + kv.key : kv.key;
      if (written.add(key)) {
        b.append(',');
        string(b, key);
        b.append(':');
        value(b, kv.value);
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        if (written.add(e.getKey())) {
          b.append(',');
          field(b, e.getKey(), e.getValue());
        }
      }
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      b.append(',');
      field(b, "exception", ThrowableProxyUtil.asString(t));
    }
    return b.append("}\n").toString();
  }

  /** {@code HH:mm:ss.SSS LEVEL logger - message key=value …} and a newline, then any stack trace. */
  String text(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(160);
    b.append(TEXT_TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
    String level = event.getLevel().toString();
    b.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
    b.append(abbreviator.abbreviate(event.getLoggerName())).append(" - ");
    b.append(oneLine(event.getFormattedMessage()));
    for (KeyValuePair kv : pairs(event)) {
      b.append(' ').append(kv.key).append('=').append(textValue(kv.value));
    }
    b.append('\n');
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      b.append(ThrowableProxyUtil.asString(t)).append('\n');
    }
    return b.toString();
  }

  private static List<KeyValuePair> pairs(ILoggingEvent event) {
    List<KeyValuePair> kvs = event.getKeyValuePairs();
    return kvs == null ? List.of() : kvs;
  }

  private static String textValue(Object value) {
    if (value == null) {
      return "null";
    }
    String s = String.valueOf(value);
    if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '=')) {
      StringBuilder q = new StringBuilder();
      string(q, s);
      return q.toString();
    }
    return s;
  }

  /** The text format stays one line per event even when a message holds newlines. */
  private static String oneLine(String s) {
    return s == null ? "" : s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static void field(StringBuilder b, String key, String value) {
    string(b, key);
    b.append(':');
    if (value == null) {
      b.append("null");
    } else {
      string(b, value);
    }
  }

  private static void value(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      b.append(v);
    } else if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      b.append(n);
    } else {
      string(b, String.valueOf(v));
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
