package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EnvPolicyTest {
  private final EnvPolicy defaults = EnvPolicy.defaults();

  @ParameterizedTest
  @ValueSource(strings = {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "GCONV_PATH", "GLIBC_TUNABLES", "PYTHONPATH",
      "PYTHONSTARTUP", "PYTHONHOME", "PYTHONWARNINGS", "PYTHONBREAKPOINT", "NODE_OPTIONS", "NODE_PATH", "PERL5LIB",
      "PERL5OPT", "PERLLIB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
      "BASH_ENV", "ENV", "SHELLOPTS", "PS4", "IFS", "PATH", "HOME", "OPENSSL_CONF", "DOTNET_STARTUP_HOOKS", "LUA_INIT"})
  void hookVariablesAreRefusedByDefault(String name) {
    assertThat(defaults.refusedBy(name)).as(name).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"RUST_LOG", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "NODE_ENV", "LANG", "TZ",
      "MY_LD_PRELOAD", "ENVIRONMENT", "JAVA_HOME", "DATABASE_URL"})
  void ordinaryVariablesPass(String name) {
    assertThat(defaults.refusedBy(name)).as(name).isEmpty();
  }

  @Test
  void allowListPermitsNamesAndGlobs() {
    EnvPolicy p = new EnvPolicy(List.of("LD_LIBRARY_PATH", "PYTHON*"));
    assertThat(p.refusedBy("LD_LIBRARY_PATH")).isEmpty();
    assertThat(p.refusedBy("PYTHONPATH")).isEmpty();
    assertThat(p.refusedBy("LD_PRELOAD")).contains("LD_*");
  }

  @Test
  void badAllowPatternStopsTheOperatorNamingTheFlag() {
    assertThatThrownBy(() -> new EnvPolicy(List.of("LD PRELOAD"))).hasMessageStartingWith("--allow-env LD PRELOAD:");
    assertThatThrownBy(() -> new EnvPolicy(List.of("A=B"))).hasMessageStartingWith("--allow-env A=B:");
  }
}
