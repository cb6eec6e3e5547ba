package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

/** Raw requests, as a client that skips kubectl's own checks would send them. */
class EmbeddedApiNamesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLLECTION = "/apis/hero.ourworld.tf/v1alpha1/namespaces/default/procservices";

  EmbeddedApiServer api;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private HttpResponse<String> post(String path, String name) throws Exception {
    String body = JSON.writeValueAsString(JSON.readTree("""
        {"apiVersion": "hero.ourworld.tf/v1alpha1", "kind": "ProcService", "metadata": {"name": "NAME"},
         "spec": {"runtime": "Process", "processes": [{"name": "server", "command": ["sleep", "1"]}]}}
        """.replace("NAME", name.replace("\\", "\\\\").replace("\"", "\\\""))));
    return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "a/b", "Upper", "-lead", "trail-", "a..b", "sp ace", ""})
  void namesThatAreNotDnsSubdomainsAreRefusedWith422AndNotStored(String name) throws Exception {
    HttpResponse<String> r = post(COLLECTION, name);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    JsonNode status = JSON.readTree(r.body());
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");
    try (var client = api.createClient()) {
      assertThat(client.resources(ProcService.class).inNamespace("default").list().getItems()).isEmpty();
    }
  }

  @Test
  void aBadNamespaceOnThePathIsRefusedToo() throws Exception {
    HttpResponse<String> r = post("/apis/hero.ourworld.tf/v1alpha1/namespaces/Bad_NS/procservices", "ok");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("metadata.namespace");
  }

  @Test
  void aGoodNameIsStored() throws Exception {
    assertThat(post(COLLECTION, "hero-foundry.v2").statusCode()).isEqualTo(201);
  }
}
