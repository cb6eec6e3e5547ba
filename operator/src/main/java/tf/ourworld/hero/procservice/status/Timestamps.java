package tf.ourworld.hero.procservice.status;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** RFC 3339 timestamps at second precision, as Kubernetes writes them. */
public final class Timestamps {
  private Timestamps() {
  }

  public static String format(Instant t) {
    return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  public static List<String> formatAll(List<Instant> times) {
    return times.isEmpty() ? null : times.stream().map(Timestamps::format).toList();
  }

  /** The instant of a stored timestamp; null when absent or not a timestamp (status may be garbage). */
  public static Instant parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The instants of stored timestamps in order, skipping what is not one. */
  public static List<Instant> parseAll(List<String> texts) {
    List<Instant> out = new ArrayList<>();
    for (String t : texts == null ? List.<String>of() : texts) {
      Instant i = parse(t);
      if (i != null) {
        out.add(i);
      }
    }
    out.sort(null);
    return out;
  }
}
