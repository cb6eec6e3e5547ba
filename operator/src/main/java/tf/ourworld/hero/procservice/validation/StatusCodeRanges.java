package tf.ourworld.hero.procservice.validation;

import java.util.List;

/** Parses and matches HTTP status code expectations such as "200", "200-299". */
public final class StatusCodeRanges {
  private StatusCodeRanges() {
  }

  /** Null when the entry is valid, else what is wrong with it. */
  public static String check(String entry) {
    if (entry == null || entry.isBlank()) {
      return "must not be empty";
    }
    String[] parts = entry.trim().split("-", -1);
    if (parts.length > 2) {
      return "\"" + entry + "\" is not a status code or a range like 200-299";
    }
    try {
      int lo = Integer.parseInt(parts[0].trim());
      int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
      if (lo < 100 || hi > 599) {
        return "\"" + entry + "\" is outside 100-599";
      }
      if (hi < lo) {
        return "\"" + entry + "\" is an empty range";
      }
      return null;
    } catch (NumberFormatException e) {
      return "\"" + entry + "\" is not a status code or a range like 200-299";
    }
  }

  /** Whether a status code matches any entry (entries assumed valid; invalid ones never match). */
  public static boolean matches(List<String> entries, int code) {
    for (String e : entries) {
      if (check(e) != null) {
        continue;
      }
      String[] parts = e.trim().split("-");
      int lo = Integer.parseInt(parts[0].trim());
      int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
      if (code >= lo && code <= hi) {
        return true;
      }
    }
    return false;
  }
}
