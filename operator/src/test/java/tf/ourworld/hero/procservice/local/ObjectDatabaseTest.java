package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept store of the embedded API: round trips, and refusing what it must not touch. */
class ObjectDatabaseTest {
  @TempDir
  Path dir;

  @Test
  void keepsObjectsAndTheHighestResourceVersionAcrossReopening() {
    Path file = dir.resolve("api.db");
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      assertThat(db.objects()).isEmpty();
      assertThat(db.resourceVersion()).isZero();
      db.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"kind\":\"ConfigMap\"}", 5);
      db.put("apiextensions.k8s.io/CustomResourceDefinition//x", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
          "{\"kind\":\"CustomResourceDefinition\"}", 7);
      db.put("/ConfigMap/default/b", "/api/v1/namespaces/default/configmaps", "{\"kind\":\"ConfigMap\"}", 8);
      db.delete("/ConfigMap/default/b", 9);
    }
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      assertThat(db.resourceVersion()).isEqualTo(9);
      // the CRD first: its custom resources need it
      assertThat(db.objects()).extracting(ObjectDatabase.Stored::key)
          .containsExactly("apiextensions.k8s.io/CustomResourceDefinition//x", "/ConfigMap/default/a");
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAsItIs() throws Exception {
    Path file = dir.resolve("api.db");
    byte[] garbage = "this is not an SQLite file, but someone's notes\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    Files.write(file, garbage);
    assertThatThrownBy(() -> ObjectDatabase.open(file)).isInstanceOf(ObjectDatabase.UnusableException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("cannot be used")
        .hasMessageContaining("--ephemeral").hasMessageContaining("move it aside");
    assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
  }

  @Test
  void aStoreFromANewerSchemaIsRefused() throws Exception {
    Path file = dir.resolve("api.db");
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      db.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"kind\":\"ConfigMap\"}", 1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (ObjectDatabase.SCHEMA_VERSION + 1));
    }
    assertThatThrownBy(() -> ObjectDatabase.open(file)).isInstanceOf(ObjectDatabase.UnusableException.class)
        .hasMessageContaining("newer procservice").hasMessageContaining("schema " + (ObjectDatabase.SCHEMA_VERSION + 1));
    // still there for the newer version
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT count(*) FROM objects").getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void someoneElsesDatabaseIsRefused() throws Exception {
    Path file = dir.resolve("api.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE photos (id INTEGER)");
    }
    assertThatThrownBy(() -> ObjectDatabase.open(file)).isInstanceOf(ObjectDatabase.UnusableException.class)
        .hasMessageContaining("not one of procservice's");
  }

  @Test
  void aStoredObjectThatIsNotJsonIsReportedNotSkipped() throws Exception {
    Path file = dir.resolve("api.db");
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      db.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"kind\":\"ConfigMap\"}", 1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("UPDATE objects SET json = '{broken'");
    }
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      assertThatThrownBy(db::objects).isInstanceOf(ObjectDatabase.UnusableException.class)
          .hasMessageContaining("/ConfigMap/default/a").hasMessageContaining("not valid JSON");
    }
  }

  @Test
  void aCheckpointFsyncsTheCommitsIntoTheDatabaseFileItself() throws Exception {
    Path file = dir.resolve("api.db");
    try (ObjectDatabase db = ObjectDatabase.open(file, Duration.ofHours(1))) {
      assertThat(db.checkpoint()).as("nothing written yet").isFalse();
      db.put("/ConfigMap/default/a", "/api/v1/namespaces/default/configmaps", "{\"marker\":\"in-the-main-file\"}", 1);
      // committed: in the WAL file, which a killed process leaves to the OS; not in the database file yet
      assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("in-the-main-file");
      assertThat(db.checkpoint()).isTrue();
      assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).contains("in-the-main-file");
      assertThat(db.checkpoint()).as("nothing new").isFalse();
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesASigkillOfTheWriter() throws Exception {
    Path file = dir.resolve("api.db");
    Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ObjectDatabaseWriter.class.getName(), file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long acked = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null && acked < 200; line = out.readLine()) {
        acked = Long.parseLong(line.substring("acked ".length()));
      }
      writer.destroyForcibly(); // SIGKILL, in the middle of the writes that follow
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acked).as("the writer acknowledged writes before it was killed").isEqualTo(200);
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      assertThat(db.resourceVersion()).isGreaterThanOrEqualTo(acked);
      assertThat(db.objects()).hasSizeGreaterThanOrEqualTo((int) acked)
          .extracting(ObjectDatabase.Stored::key).contains("/ConfigMap/default/cm-1", "/ConfigMap/default/cm-200");
    }
  }
}
