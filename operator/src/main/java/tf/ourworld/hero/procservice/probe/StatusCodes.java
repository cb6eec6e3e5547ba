package tf.ourworld.hero.procservice.probe;

import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.ExpectSpec;

/** The HTTP status codes a probe accepts: single codes and inclusive ranges like {@code 200-299}. */
public final class StatusCodes {

  private final int[] low;
  private final int[] high;
  private final String text;

  private StatusCodes(int[] low, int[] high, String text) {
    this.low = low;
    this.high = high;
    this.text = text;
  }

  /**
   * Parses {@code expect.statusCodes}; null or empty means the default 200-399.
   *
   * @throws IllegalArgumentException naming the entry that is not a code (100-599) or a range
   */
  public static StatusCodes parse(List<String> entries) {
    List<String> list = entries == null || entries.isEmpty() ? ExpectSpec.DEFAULT_STATUS_CODES : entries;
    int[] low = new int[list.size()];
    int[] high = new int[list.size()];
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String entry = list.get(i) == null ? "" : list.get(i).trim();
      int dash = entry.indexOf('-', 1);
      try {
        if (dash < 0) {
          low[i] = high[i] = code(entry);
        } else {
          low[i] = code(entry.substring(0, dash).trim());
          high[i] = code(entry.substring(dash + 1).trim());
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expect.statusCodes: '" + entry
            + "' is not a status code (100-599) or a range like 200-299");
      }
      if (low[i] > high[i]) {
        throw new IllegalArgumentException("expect.statusCodes: range '" + entry + "' is empty (start > end)");
      }
      shown.add(entry);
    }
    return new StatusCodes(low, high, String.join(",", shown));
  }

  private static int code(String s) {
    int c = Integer.parseInt(s);
    if (c < 100 || c > 599) {
      throw new NumberFormatException(s);
    }
    return c;
  }

  public boolean accepts(int status) {
    for (int i = 0; i < low.length; i++) {
      if (status >= low[i] && status <= high[i]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}
