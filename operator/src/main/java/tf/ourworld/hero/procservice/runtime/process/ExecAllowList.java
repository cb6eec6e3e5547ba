package tf.ourworld.hero.procservice.runtime.process;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/**
 * The operator's allow-list of executables ({@code --allow-exec}): resolves a {@code command[0]}
 * to an absolute, symlink-free path and says whether it may run.
 *
 * <p>Rules (docs/security.md): an absolute command is taken as given, a bare name is looked up on
 * the operator's PATH (absolute PATH entries only), a relative path with a slash is refused. The
 * found file is resolved with {@code toRealPath} (symlinks and {@code ..} removed) and that real
 * path must match a pattern: a plain absolute path (itself real-path resolved when it exists) or
 * an absolute glob ({@link java.nio.file.FileSystem#getPathMatcher} "glob:", so {@code *} does not
 * cross a {@code /}; the glob's leading directories are also real-path resolved).
 */
public final class ExecAllowList {
  public static final String FLAG = "--allow-exec";

  /** The compiled patterns; replaced whole on a reload, so a check sees one list or the other. */
  private record Rules(List<String> patterns, List<Path> exactPaths, List<PathMatcher> globs) {
  }

  private volatile Rules rules;
  private final String pathEnv;
  /** How a refusal says to allow the command; {path} is the command's real path. */
  private volatile String howToAllow = "(" + FLAG + ")";

  /** An allow-list over the operator's own PATH. */
  public ExecAllowList(List<String> patterns) {
    this(patterns, System.getenv("PATH"));
  }

  /**
   * An allow-list over the given PATH value.
   *
   * @throws IllegalArgumentException when a pattern is not absolute or not a valid glob
   */
  public ExecAllowList(List<String> patterns, String pathEnv) {
    this.pathEnv = pathEnv == null ? "" : pathEnv;
    this.rules = compile(patterns);
  }

  /**
   * Replaces the patterns (a reload of the operator's settings): checks from now on use the new
   * list; nothing that runs is touched.
   *
   * @throws IllegalArgumentException when a pattern is invalid; the list in force is then kept
   */
  public void replace(List<String> patterns) {
    this.rules = compile(patterns);
  }

  /**
   * Sets how a refusal tells the user to allow a command, e.g. {@code (add {path} to allowExec in
   * FILE ...)}; {@code {path}} stands for the command's real path. Default: {@code (--allow-exec)}.
   */
  public void howToAllow(String text) {
    this.howToAllow = text;
  }

  /** How a refusal says to allow {@code path}, e.g. {@code (--allow-exec)}. */
  public String refusalHint(String path) {
    return howToAllow.replace("{path}", path);
  }

  private static Rules compile(List<String> given) {
    List<String> patterns = List.copyOf(given);
    List<Path> exactPaths = new ArrayList<>();
    List<PathMatcher> globs = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern == null || !pattern.startsWith("/")) {
        throw new IllegalArgumentException(FLAG + " " + pattern + ": a pattern must be an absolute path or glob");
      }
      try {
        if (isGlob(pattern)) {
          globs.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
          String resolved = resolveGlobPrefix(pattern);
          if (!resolved.equals(pattern)) {
            globs.add(FileSystems.getDefault().getPathMatcher("glob:" + resolved));
          }
        } else {
          Path exact = realOrNormal(Path.of(pattern));
          if (Files.isDirectory(exact)) {
            throw new IllegalArgumentException(FLAG + " " + pattern + " is a directory: use "
                + (pattern.endsWith("/") ? pattern : pattern + "/") + "* to allow the programs in it");
          }
          exactPaths.add(exact);
        }
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(FLAG + " " + pattern + ": invalid pattern: " + e.getMessage(), e);
      }
    }
    return new Rules(patterns, List.copyOf(exactPaths), List.copyOf(globs));
  }

  /** The patterns as configured. */
  public List<String> patterns() {
    return rules.patterns();
  }

  /** Resolves command[0] and checks it against the allow-list. Never runs anything. */
  public Resolution resolve(String command0) {
    if (command0 == null || command0.isBlank()) {
      return Resolution.refused(Reason.InvalidSpec, "must not be empty");
    }
    Path found;
    try {
      if (command0.startsWith("/")) {
        found = Path.of(command0);
        if (!Files.exists(found)) {
          return Resolution.refused(Reason.CommandNotFound, "command " + command0 + " does not exist");
        }
      } else if (command0.contains("/")) {
        return Resolution.refused(Reason.CommandNotAllowed, command0 + " is not allowed by this operator (" + FLAG
            + "): a relative path is refused, use an absolute path or a bare command name looked up on PATH");
      } else {
        found = lookUpOnPath(command0);
        if (found == null) {
          return Resolution.refused(Reason.CommandNotFound, "command " + command0 + " not found on PATH");
        }
      }
    } catch (InvalidPathException e) {
      return Resolution.refused(Reason.InvalidSpec, "command contains a character that is not allowed in a path");
    }
    Path real;
    try {
      real = found.toRealPath();
    } catch (IOException e) {
      return Resolution.refused(Reason.CommandNotFound, "command " + command0 + " cannot be resolved: " + e.getMessage());
    }
    if (!Files.isRegularFile(real) || !Files.isExecutable(real)) {
      return Resolution.refused(Reason.CommandNotFound, "command " + command0 + " is not an executable file");
    }
    if (!allowed(real)) {
      String shown = real.toString().equals(command0) ? command0 : command0 + " (resolves to " + real + ")";
      return Resolution.refused(Reason.CommandNotAllowed, shown + " is not allowed by this operator "
          + refusalHint(real.toString()));
    }
    return new Resolution(real, null, null);
  }

  private boolean allowed(Path real) {
    Rules r = rules;
    return r.exactPaths().contains(real) || r.globs().stream().anyMatch(m -> m.matches(real));
  }

  /** The first regular executable file named name in an absolute PATH entry, as a shell finds it. */
  private Path lookUpOnPath(String name) {
    for (String entry : pathEnv.split(":")) {
      // Empty and relative entries mean "the operator's current directory": never searched.
      if (entry.isEmpty() || !entry.startsWith("/")) {
        continue;
      }
      Path candidate = Path.of(entry, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean isGlob(String pattern) {
    return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{' || c == '\\');
  }

  /** The glob with its leading plain directories real-path resolved: /bin/* → /usr/bin/* on merged /usr. */
  private static String resolveGlobPrefix(String pattern) {
    String[] parts = pattern.substring(1).split("/", -1);
    int firstGlob = 0;
    while (firstGlob < parts.length && !isGlob(parts[firstGlob])) {
      firstGlob++;
    }
    if (firstGlob == 0) {
      return pattern;
    }
    Path prefix = Path.of("/", java.util.Arrays.copyOfRange(parts, 0, firstGlob));
    Path real = realOrNormal(prefix);
    if (real.equals(prefix)) {
      return pattern;
    }
    StringBuilder sb = new StringBuilder(escapeGlob(real.toString()));
    for (int i = firstGlob; i < parts.length; i++) {
      sb.append('/').append(parts[i]);
    }
    return sb.toString();
  }

  private static String escapeGlob(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("*?[]{}\\".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static Path realOrNormal(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.normalize();
    }
  }

  /**
   * The outcome of {@link #resolve}: the real path when allowed, else a reason (CommandNotAllowed,
   * CommandNotFound, InvalidSpec) and a detail that names the command.
   */
  public record Resolution(Path path, Reason reason, String detail) {
    static Resolution refused(Reason reason, String detail) {
      return new Resolution(null, reason, detail);
    }

    public boolean allowed() {
      return path != null;
    }

    /** The refusal as a SpecProblem whose message starts with field, e.g. spec.processes[0].command[0]. */
    public SpecProblem problem(String field) {
      if (allowed()) {
        throw new IllegalStateException("command is allowed");
      }
      return new SpecProblem(reason, field + ": " + detail);
    }
  }
}
