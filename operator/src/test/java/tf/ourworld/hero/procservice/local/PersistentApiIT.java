package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ProcService;

/** The embedded API with its objects kept in a database: what a restart keeps, and what it refuses. */
class PersistentApiIT {
  @TempDir
  Path dir;

  @Test
  void aRestartKeepsEveryAcknowledgedObjectWithItsUidAndResourceVersionsGoOnIncreasing() throws Exception {
    Path file = dir.resolve("api.db");
    Map<String, String> uids;
    long highest;
    String crdUid;
    try (EmbeddedApiServer api = EmbeddedApiServer.start(0, ObjectDatabase.open(file));
         KubernetesClient client = api.createClient()) {
      for (int i = 0; i < 50; i++) {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).endMetadata()
            .addToData("i", String.valueOf(i)).build()).create();
      }
      client.configMaps().withName("cm-0").edit(cm -> new ConfigMapBuilder(cm).addToData("edited", "yes").build());
      client.configMaps().withName("cm-49").delete();
      uids = client.configMaps().list().getItems().stream()
          .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), cm -> cm.getMetadata().getUid()));
      highest = Long.parseLong(client.configMaps().list().getMetadata().getResourceVersion());
      crdUid = client.apiextensions().v1().customResourceDefinitions().withName("procservices.hero.ourworld.tf").get()
          .getMetadata().getUid();
    }
    try (EmbeddedApiServer api = EmbeddedApiServer.start(0, ObjectDatabase.open(file));
         KubernetesClient client = api.createClient()) {
      Map<String, ConfigMap> now = client.configMaps().list().getItems().stream()
          .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), Function.identity()));
      assertThat(now).hasSize(49).doesNotContainKey("cm-49");
      assertThat(now.get("cm-0").getData()).containsEntry("edited", "yes");
      now.forEach((name, cm) -> assertThat(cm.getMetadata().getUid()).as(name).isEqualTo(uids.get(name)));
      assertThat(client.apiextensions().v1().customResourceDefinitions().withName("procservices.hero.ourworld.tf")
          .get().getMetadata().getUid()).isEqualTo(crdUid);
      assertThat(client.namespaces().withName("default").get()).isNotNull();

      ConfigMap fresh = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("after")
          .endMetadata().build()).create();
      assertThat(Long.parseLong(fresh.getMetadata().getResourceVersion())).isGreaterThan(highest);
      // a watcher resuming from before the restart must relist: its history is gone
      assertThat(firstWatchLine(api, 1)).contains("\"ERROR\"").contains("410");
      // the ProcService resource still works (the CRD was restored before its objects)
      assertThat(client.resources(ProcService.class).list().getItems()).isEmpty();
    }
  }

  @Test
  void aDamagedStoreStopsTheStartWithAClearErrorAndIsNotTouched() throws Exception {
    Path file = dir.resolve("api.db");
    Files.writeString(file, "garbage ".repeat(1000));
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> EmbeddedApiServer.start(0, ObjectDatabase.open(file)))
        .hasMessageContaining(file.toString()).hasMessageContaining("cannot be used");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  private static String firstWatchLine(EmbeddedApiServer api, long resourceVersion) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(api.url()
        + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + resourceVersion))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      return in.readLine();
    }
  }
}
