package tf.ourworld.hero.procservice.cli;

import tf.ourworld.hero.procservice.local.ServiceTable;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * Colour and glyphs on a terminal only (NO_COLOR turns colour off); plain, stable words when piped.
 *
 * @param glyphs show ● ◐ ○ ✕ before the state
 * @param colour colour the state
 */
record Terminal(boolean glyphs, boolean colour) {
  static Terminal of(String mode) {
    boolean tty = System.console() != null;
    boolean noColor = System.getenv("NO_COLOR") != null && !System.getenv("NO_COLOR").isEmpty();
    return switch (mode == null ? "auto" : mode) {
      case "always" -> new Terminal(true, true);
      case "never" -> new Terminal(false, false);
      case "auto" -> new Terminal(tty, tty && !noColor);
      default -> throw new CliException("--color must be auto, always or never, not " + mode, ClientCommand.EXIT_USAGE);
    };
  }

  /** The state as shown: with its glyph and colour when on; "Pending" before the operator wrote any. */
  String state(ServiceState state) {
    String word = state == null ? "Pending" : state.toString();
    String text = glyphs ? ServiceTable.glyph(state) + " " + word : word;
    if (!colour || state == null) {
      return text;
    }
    String code = switch (state) {
      case Running -> "32";
      case Degraded -> "33";
      case Failed -> "31";
      case Stopped, Starting -> "90";
    };
    return "\u001b[" + code + "m" + text + "\u001b[0m";
  }

  /** Padding that ignores the colour codes. */
  static String pad(String s, int width) {
    int visible = s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    return visible >= width ? s : s + " ".repeat(width - visible);
  }
}
