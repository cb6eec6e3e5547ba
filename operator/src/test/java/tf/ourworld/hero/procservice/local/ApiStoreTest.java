package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded API's store: the API server's write rules, lookups that do not scan, what a restart keeps. */
class ApiStoreTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00.250Z"), ZoneOffset.UTC);
  private static final String CMS = "/api/v1/namespaces/%s/configmaps";

  @TempDir
  Path dir;

  private final WatchHub hub = new WatchHub();
  private final List<String> events = new ArrayList<>();

  private ApiStore store(ObjectDatabase database) {
    ApiStore store = new ApiStore(hub, ApiResourceRegistry.withBuiltIns(), database, CLOCK);
    store.restore();
    hub.open(o -> true, new WatchHub.Sink() {
      @Override
      public void send(String type, JsonNode object) {
        events.add(type + " " + object.at("/metadata/name").asText());
      }

      @Override
      public void fail(JsonNode status) {
        events.add("ERROR");
      }
    }, "", List::of);
    return store;
  }

  private static ResourcePath at(String path) {
    return ResourcePath.parse(path);
  }

  private static ObjectNode configMap(String name, String... finalizers) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = o.putObject("metadata").put("name", name);
    if (finalizers.length > 0) {
      meta.putArray("finalizers").addAll(List.of(finalizers).stream().map(JSON.getNodeFactory()::textNode).toList());
    }
    o.putObject("data").put("k", "v");
    return o;
  }

  private static JsonNode parse(String json) throws Exception {
    return JSON.readTree(json);
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 2000})
  void aRequestOnOneObjectLooksAtOneObjectHoweverManyThereAre(int n) {
    ApiStore store = store(null);
    for (int i = 0; i < n; i++) {
      store.create(at(CMS.formatted(i % 2 == 0 ? "even" : "odd")), configMap("cm-" + i), false);
    }
    long before = store.visited();
    ResourcePath one = at(CMS.formatted("even") + "/cm-4");
    store.get(ObjectKey.of(one));
    store.update(one, o -> o.put("x", "y"), false);
    store.replace(one, configMap("cm-4"), false);
    store.delete(one);
    // a get, and one lookup inside each write: 4 objects looked at, with 10 objects stored or 2,000
    assertThat(store.visited() - before).isEqualTo(4);

    before = store.visited();
    assertThat(store.list(ObjectKey.of(at("/api/v1/namespaces/odd/configmaps"))).items()).hasSize(n / 2);
    assertThat(store.visited() - before).as("a namespace's list looks at that namespace only").isEqualTo(n / 2);
  }

  @Test
  void aCreateGetsItsIdentityAndATakenNameIsAConflict() throws Exception {
    ApiStore store = store(null);
    JsonNode a = parse(store.create(at(CMS.formatted("default")), configMap("a"), false));
    assertThat(a.at("/metadata/uid").asText()).hasSize(36);
    assertThat(a.at("/metadata/creationTimestamp").asText()).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(a.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(a.at("/metadata/namespace").asText()).isEqualTo("default");
    assertThat(a.at("/metadata/resourceVersion").asLong()).isEqualTo(store.resourceVersion());

    assertThatThrownBy(() -> store.create(at(CMS.formatted("default")), configMap("a"), false))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.code()).isEqualTo(409);
          assertThat(e.status().path("reason").asText()).isEqualTo("AlreadyExists");
        });
    ObjectNode generated = configMap(null);
    ((ObjectNode) generated.get("metadata")).remove("name");
    ((ObjectNode) generated.get("metadata")).put("generateName", "job-");
    assertThat(parse(store.create(at(CMS.formatted("default")), generated, false)).at("/metadata/name").asText())
        .matches("job-[a-z0-9]{5}");
    assertThat(events).hasSize(2).startsWith("ADDED a");
  }

  @Test
  void anUpdateKeepsTheIdentityRefusesAStaleVersionAndCountsGenerations() throws Exception {
    ApiStore store = store(null);
    ResourcePath a = at(CMS.formatted("default") + "/a");
    JsonNode created = parse(store.create(at(CMS.formatted("default")), configMap("a"), false));

    ObjectNode relabelled = (ObjectNode) created.deepCopy();
    ((ObjectNode) relabelled.get("metadata")).putObject("labels").put("l", "1");
    ((ObjectNode) relabelled.get("metadata")).put("uid", "forged");
    JsonNode labelled = parse(store.replace(a, relabelled, false));
    assertThat(labelled.at("/metadata/uid")).isEqualTo(created.at("/metadata/uid"));
    assertThat(labelled.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(labelled.at("/metadata/resourceVersion").asLong())
        .isGreaterThan(created.at("/metadata/resourceVersion").asLong());

    assertThatThrownBy(() -> store.replace(a, relabelled, false)).isInstanceOfSatisfying(ApiError.class,
        e -> assertThat(e.status().path("reason").asText()).isEqualTo("Conflict"));

    JsonNode respecced = parse(store.update(a, o -> {
      o.with("data").put("k", "w");
      return o;
    }, false));
    assertThat(respecced.at("/metadata/generation").asLong()).isEqualTo(2);

    String unchanged = store.update(a, o -> o, false);
    assertThat(parse(unchanged).at("/metadata/resourceVersion")).isEqualTo(respecced.at("/metadata/resourceVersion"));
    assertThat(events).containsExactly("ADDED a", "MODIFIED a", "MODIFIED a");
  }

  @Test
  void withAStatusSubresourceTheMainResourceIgnoresStatusAndStatusIgnoresTheRest() throws Exception {
    ApiStore store = store(null);
    ObjectNode body = configMap("s");
    body.putObject("status").put("state", "Ignored");
    JsonNode created = parse(store.create(at(CMS.formatted("default")), body, true));
    assertThat(created.has("status")).isFalse();

    ResourcePath main = at(CMS.formatted("default") + "/s");
    ResourcePath status = at(CMS.formatted("default") + "/s/status");
    JsonNode reported = parse(store.update(status, o -> {
      o.putObject("status").put("state", "Running");
      o.with("data").put("k", "ignored");
      return o;
    }, true));
    assertThat(reported.at("/status/state").asText()).isEqualTo("Running");
    assertThat(reported.at("/data/k").asText()).isEqualTo("v");
    assertThat(reported.at("/metadata/generation").asLong()).isEqualTo(1);

    JsonNode edited = parse(store.update(main, o -> {
      o.remove("status");
      o.with("data").put("k", "w");
      return o;
    }, true));
    assertThat(edited.at("/status/state").asText()).isEqualTo("Running");
    assertThat(edited.at("/data/k").asText()).isEqualTo("w");
    assertThatThrownBy(() -> store.update(status, o -> o, false))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(404));
  }

  @Test
  void aDeleteWaitsForTheFinalizersAndTheLastOneRemovedTakesTheObject() throws Exception {
    ApiStore store = store(null);
    store.create(at(CMS.formatted("default")), configMap("f", "example.com/hold"), false);
    ResourcePath f = at(CMS.formatted("default") + "/f");

    JsonNode marked = parse(store.delete(f));
    assertThat(marked.at("/metadata/deletionTimestamp").asText()).isEqualTo("2026-12-07T10:00:00Z");
    String again = store.delete(f);
    assertThat(parse(again).at("/metadata/resourceVersion")).isEqualTo(marked.at("/metadata/resourceVersion"));
    assertThat(store.get(ObjectKey.of(f))).isEqualTo(again);

    store.update(f, o -> {
      ((ObjectNode) o.get("metadata")).remove("finalizers");
      return o;
    }, false);
    assertThatThrownBy(() -> store.get(ObjectKey.of(f))).isInstanceOf(ApiError.class);
    assertThat(events).containsExactly("ADDED f", "MODIFIED f", "DELETED f");
  }

  @Test
  void aRestartKeepsEveryObjectAndResourceVersionsGoOn() throws Exception {
    Path file = dir.resolve("api.db");
    String uid;
    long last;
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      ApiStore store = store(db);
      uid = parse(store.create(at(CMS.formatted("a")), configMap("kept"), false)).at("/metadata/uid").asText();
      store.create(at(CMS.formatted("a")), configMap("gone"), false);
      store.delete(at(CMS.formatted("a") + "/gone"));
      last = store.resourceVersion();
    }
    try (ObjectDatabase db = ObjectDatabase.open(file)) {
      ApiStore store = new ApiStore(new WatchHub(), ApiResourceRegistry.withBuiltIns(), db, CLOCK);
      store.restore();
      assertThat(store.list(ObjectKey.of(at("/api/v1/configmaps"))).items()).hasSize(1);
      assertThat(parse(store.get(ObjectKey.of(at(CMS.formatted("a") + "/kept")))).at("/metadata/uid").asText())
          .isEqualTo(uid);
      JsonNode next = parse(store.create(at(CMS.formatted("a")), configMap("new"), false));
      assertThat(next.at("/metadata/resourceVersion").asLong()).isGreaterThan(last);
    }
  }
}
