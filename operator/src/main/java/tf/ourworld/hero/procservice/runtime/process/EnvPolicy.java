package tf.ourworld.hero.procservice.runtime.process;

import tf.ourworld.hero.procservice.model.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which environment variables a ProcService may give its processes. By default the variables that
 * make the dynamic loader or a common interpreter load other code are refused: with only
 * {@code /usr/bin/python3} allowed, {@code LD_PRELOAD} or {@code PYTHONPATH} would otherwise run
 * code the allow-list never saw inside the allowed program (docs/security.md). The operator's
 * {@code --allow-env NAME|GLOB} permits some deliberately; the resource never can.
 */
public final class EnvPolicy {
  /** The status reason of a refused variable. */
  public static final Reason REASON = Reason.EnvNotAllowed;
  public static final String FLAG = "--allow-env";

  /**
   * Refused unless allowed, as globs ({@code *} any run of characters). Sources: glibc's list of
   * variables it ignores for setuid programs (unsecvars.h), the interpreters' documented startup
   * and module-path variables, and shells' startup variables.
   */
  public static final List<String> DEFAULT_REFUSED = List.of(
      // dynamic loader and libc (glibc's unsecure variables)
      "LD_*", "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
      "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",
      // where programs are looked up, and home (Python's user site, shells' rc files)
      "PATH", "HOME",
      // shells
      "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE", "PROMPT_COMMAND",
      "BASH_FUNC_*", "BASH_XTRACEFD", "ZDOTDIR",
      // Python (a few harmless ones are allowed below)
      "PYTHON*",
      // Node.js
      "NODE_OPTIONS", "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE", "NODE_EXTRA_CA_CERTS",
      // Perl
      "PERL5LIB", "PERL5OPT", "PERLLIB", "PERL5DB", "PERL_MB_OPT", "PERL_MM_OPT",
      // Ruby
      "RUBYOPT", "RUBYLIB", "RUBYPATH", "RUBYSHELL", "GEM_HOME", "GEM_PATH", "BUNDLE_GEMFILE",
      // Java
      "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "JAVA_OPTIONS",
      // .NET
      "DOTNET_STARTUP_HOOKS", "CORECLR_*", "COMPlus_*", "DOTNET_ADDITIONAL_DEPS",
      // Lua, PHP, Tcl, R
      "LUA_INIT*", "LUA_PATH*", "LUA_CPATH*", "PHPRC", "PHP_INI_SCAN_DIR", "TCLLIBPATH", "R_PROFILE*",
      "R_ENVIRON*",
      // libraries that load plug-ins or code
      "OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES", "GTK_MODULES", "GTK_PATH", "QT_PLUGIN_PATH",
      "GIO_EXTRA_MODULES", "GST_PLUGIN_PATH*", "SSLKEYLOGFILE",
      // git, if an allowed program calls it
      "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_CONFIG*", "GIT_ASKPASS", "GIT_TEMPLATE_DIR");

  /** PYTHON* variables that only change output or hashing, never what code runs. */
  static final Set<String> HARMLESS = Set.of("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING",
      "PYTHONUTF8", "PYTHONHASHSEED", "PYTHONFAULTHANDLER", "PYTHONNOUSERSITE", "PYTHONSAFEPATH",
      "PYTHONLEGACYWINDOWSSTDIO", "PYTHONCOERCECLOCALE");

  private static final Pattern GLOB = Pattern.compile("[A-Za-z_*?][A-Za-z0-9_*?%]*");

  private final List<String> allowed;
  private final List<Pattern> allowedPatterns = new ArrayList<>();
  private final List<Pattern> refusedPatterns = new ArrayList<>();

  /** allow: names or globs from --allow-env; throws IllegalArgumentException naming a bad one. */
  public EnvPolicy(List<String> allow) {
    this.allowed = allow == null ? List.of() : List.copyOf(allow);
    for (String a : allowed) {
      if (a == null || !GLOB.matcher(a).matches()) {
        throw new IllegalArgumentException(FLAG + " " + a
            + ": not a variable name or glob (letters, digits, '_', with '*' and '?' as wildcards)");
      }
      allowedPatterns.add(glob(a));
    }
    DEFAULT_REFUSED.forEach(r -> refusedPatterns.add(glob(r)));
  }

  public static EnvPolicy defaults() {
    return new EnvPolicy(List.of());
  }

  public List<String> allowed() {
    return allowed;
  }

  /** The refused pattern the name matches, empty when the name may be set. */
  public Optional<String> refusedBy(String name) {
    if (name == null || HARMLESS.contains(name) || allowedPatterns.stream().anyMatch(p -> p.matcher(name).matches())) {
      return Optional.empty();
    }
    for (int i = 0; i < refusedPatterns.size(); i++) {
      if (refusedPatterns.get(i).matcher(name).matches()) {
        return Optional.of(DEFAULT_REFUSED.get(i));
      }
    }
    return Optional.empty();
  }

  /** The status message for a refused name at field. */
  public String message(String field, String name) {
    String rule = refusedBy(name).orElse(name);
    return field + ": " + name + " is not allowed by this operator" + (rule.equals(name) ? "" : " (matches " + rule + ")")
        + ": it changes what code the dynamic loader or an interpreter loads, which would run code the"
        + " allow-list never checked; remove it, or start the operator with " + FLAG + " " + name;
  }

  private static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char c : g.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
