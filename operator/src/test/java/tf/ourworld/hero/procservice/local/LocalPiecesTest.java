package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;

/** What `local` reads and prints: manifests, allow-list, kubeconfig, the live table. */
class LocalPiecesTest {
  @TempDir
  Path dir;

  @Test
  void readsMultiDocumentFilesAndDirectoriesAndReportsBrokenOnes() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: one}
        spec:
          runtime: Process
          processes: [{name: s, command: [sh, -c, "true"]}]
          probes: [{name: p, exec: {command: [/bin/true]}}]
        ---
        # a comment only
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: two}
        """);
    Files.writeString(dir.resolve("b.yml"), "kind: [broken\n");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    ManifestSet set = ManifestSet.read(List.of(dir, dir.resolve("missing.yaml")));
    assertThat(set.manifests()).extracting(m -> m.object().getMetadata().getName()).containsExactly("one", "two");
    assertThat(set.problems()).extracting(ManifestSet.Problem::message)
        .anyMatch(m -> m.startsWith("document 1 is not valid YAML"))
        .anyMatch(m -> m.equals("cannot read: no such file"));

    String path = "/nonexistent-dir:" + System.getenv("PATH");
    List<String> allow = AllowList.of(set.manifests(), List.of("/opt/extra/*"), path);
    assertThat(allow).hasSize(3);
    assertThat(allow.get(0)).endsWith("/sh").startsWith("/");
    assertThat(allow.get(1)).isEqualTo("/bin/true");
    assertThat(allow.get(2)).isEqualTo("/opt/extra/*");
    assertThat(AllowList.resolve("no-such-command-here", path)).isEqualTo("no-such-command-here");
  }

  @Test
  void kubeconfigIsPrivateAndPointsAtTheServer() throws Exception {
    Path file = dir.resolve("sub/kubeconfig");
    Kubeconfig.write(file, "http://127.0.0.1:1234");
    assertThat(Files.readString(file)).contains("server: http://127.0.0.1:1234").contains("namespace: default")
        .contains("current-context: procservice-local");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void tablePrintsALineOnlyWhenWhatItShowsChanges() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ServiceTable table = new ServiceTable(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        Clock.fixed(Instant.parse("2026-01-01T10:11:12Z"), ZoneOffset.UTC));
    ProcService ps = new ProcService();
    ps.getMetadata().setName("demo");
    ps.getMetadata().setNamespace("default");
    table.update(ps, false);
    ProcServiceStatus s = new ProcServiceStatus();
    s.setState(ServiceState.Running);
    s.setProbesReady("2/2");
    s.setRestarts(0);
    s.setReason("AllProbesPassing");
    s.setMessage("fine");
    ps.setStatus(s);
    table.update(ps, false);
    s.setMessage("only the message changed");
    table.update(ps, false);
    s.setRestarts(1);
    table.update(ps, false);
    table.update(ps, true);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("TIME").contains("STATE").contains("RESTARTS");
    assertThat(lines.get(1)).contains("default/demo").contains("\u25cc Pending");
    assertThat(lines.get(2)).matches("10:11:12\\s+default/demo\\s+\u25cf Running\\s+2/2\\s+0\\s+AllProbesPassing\\s+fine");
    assertThat(lines.get(3)).contains("Running").contains(" 1 ");
    assertThat(lines.get(4)).contains("Deleted");
  }

  @Test
  void theTableShowsTheSeedSupervisorsGlyphs() {
    assertThat(ServiceTable.glyph(ServiceState.Running)).isEqualTo("\u25cf");
    assertThat(ServiceTable.glyph(ServiceState.Degraded)).isEqualTo("\u25d0");
    assertThat(ServiceTable.glyph(ServiceState.Stopped)).isEqualTo("\u25cb");
    assertThat(ServiceTable.glyph(ServiceState.Failed)).isEqualTo("\u2715");
    assertThat(ServiceTable.glyph(ServiceState.Starting)).isEqualTo("\u25cc");
    assertThat(ServiceTable.glyph(null)).isEqualTo("\u25cc");
  }
}
