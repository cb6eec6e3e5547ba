package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --config file of local. */
class LocalSettingsTest {
  @TempDir
  Path dir;

  @Test
  void readsEveryKey() throws Exception {
    Path f = Files.writeString(dir.resolve("local.yaml"), """
        allowExec: [/usr/bin/sleep, "/opt/hero/bin/*"]
        allowEnv: [PYTHONPATH]
        port: 17080
        httpPort: 0
        stateDir: /tmp/s
        kubeconfig: kc
        maxStopGraceSeconds: 5
        logFormat: json
        """);
    LocalSettings s = LocalSettings.read(f);
    assertThat(s.allowExec()).containsExactly("/usr/bin/sleep", "/opt/hero/bin/*");
    assertThat(s.allowEnv()).containsExactly("PYTHONPATH");
    assertThat(s.port()).isEqualTo(17080);
    assertThat(s.httpPort()).isZero();
    assertThat(s.stateDir()).isEqualTo(Path.of("/tmp/s"));
    assertThat(s.kubeconfig()).isEqualTo(Path.of("kc"));
    assertThat(s.maxStopGraceSeconds()).isEqualTo(5);
    assertThat(s.logFormat()).isEqualTo("json");
    assertThat(LocalSettings.read(Files.writeString(dir.resolve("empty.yaml"), "# nothing\n")).allowExec()).isEmpty();
  }

  @Test
  void refusesWhatItDoesNotKnowNamingTheFile() throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "allowExc: [/bin/true]\n");
    assertThatThrownBy(() -> LocalSettings.read(typo)).hasMessageContaining(typo.toString())
        .hasMessageContaining("unknown key 'allowExc'");
    Path relative = Files.writeString(dir.resolve("rel.yaml"), "allowExec: [bin/true]\n");
    assertThatThrownBy(() -> LocalSettings.read(relative)).hasMessageContaining("absolute path or glob");
    Path port = Files.writeString(dir.resolve("port.yaml"), "port: 70000\n");
    assertThatThrownBy(() -> LocalSettings.read(port)).hasMessageContaining("port must be 0..65535");
    Path type = Files.writeString(dir.resolve("type.yaml"), "port: often\n");
    assertThatThrownBy(() -> LocalSettings.read(type)).hasMessageContaining(type.toString());
    assertThatThrownBy(() -> LocalSettings.read(dir.resolve("missing.yaml"))).hasMessageContaining("no such file");
  }
}
