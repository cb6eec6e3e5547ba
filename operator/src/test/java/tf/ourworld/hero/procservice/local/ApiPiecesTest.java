package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.CrdDefinition;

/** The pure pieces of the embedded API: paths, selectors, merge patch, defaults, Tables, watch history. */
class ApiPiecesTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/v1/namespaces/default/events?limit=500|''|v1|default|events|''|''",
      "/apis/hero.ourworld.tf/v1alpha1/namespaces/ns/procservices/demo/status|hero.ourworld.tf|v1alpha1|ns|procservices|demo|status",
      "/apis/hero.ourworld.tf/v1alpha1/procservices?watch=true|hero.ourworld.tf|v1alpha1|''|procservices|''|''",
      "/api/v1/namespaces/default|''|v1|''|namespaces|default|''",
      "/api/v1/namespaces/default/status|''|v1|''|namespaces|default|status",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x|apiextensions.k8s.io|v1|''|customresourcedefinitions|x|''"})
  void parsesApiPaths(String path, String group, String version, String ns, String plural, String name, String sub) {
    ResourcePath p = ResourcePath.parse(path);
    assertThat(p.group()).isEqualTo(group);
    assertThat(p.version()).isEqualTo(version);
    assertThat(p.namespace()).isEqualTo(ns.isEmpty() ? null : ns);
    assertThat(p.plural()).isEqualTo(plural);
    assertThat(p.name()).isEqualTo(name.isEmpty() ? null : name);
    assertThat(p.subresource()).isEqualTo(sub.isEmpty() ? null : sub);
  }

  @Test
  void legacyWatchPathIsAWatch() {
    ResourcePath p = ResourcePath.parse("/apis/g.io/v1/watch/namespaces/a/things?resourceVersion=5");
    assertThat(p.isWatch()).isTrue();
    assertThat(p.storePath()).isEqualTo("/apis/g.io/v1/namespaces/a/things");
    assertThat(p.query()).containsEntry("resourceVersion", "5");
  }

  @Test
  void fieldSelectorsMatchAnyFieldLikeTheApiServer() throws Exception {
    JsonNode ev = json("{'metadata':{'name':'e1'},'involvedObject':{'name':'demo','kind':'ProcService'},'type':'Warning'}");
    assertThat(Selectors.field("involvedObject.name=demo,involvedObject.kind==ProcService").test(ev)).isTrue();
    assertThat(Selectors.field("involvedObject.name=other").test(ev)).isFalse();
    assertThat(Selectors.field("type!=Normal").test(ev)).isTrue();
    assertThat(Selectors.field("involvedObject.uid=").test(ev)).isTrue();
  }

  @Test
  void labelSelectorsSupportEqualitySetsAndExistence() throws Exception {
    JsonNode o = json("{'metadata':{'labels':{'app':'web','tier':'front'}}}");
    assertThat(Selectors.label("app=web").test(o)).isTrue();
    assertThat(Selectors.label("app!=web").test(o)).isFalse();
    assertThat(Selectors.label("app in (web, api),tier").test(o)).isTrue();
    assertThat(Selectors.label("tier notin (front)").test(o)).isFalse();
    assertThat(Selectors.label("!missing,app==web").test(o)).isTrue();
    assertThat(Selectors.label("missing").test(o)).isFalse();
  }

  @Test
  void mergePatchFollowsRfc7386() throws Exception {
    JsonNode current = json("{'metadata':{'annotations':{'a':'1','b':'2'}},'spec':{'list':[1,2,3],'x':1}}");
    JsonNode merged = MergePatch.apply(current, json("{'metadata':{'annotations':{'a':null,'c':'3'}},'spec':{'list':[9]}}"));
    assertThat(merged).isEqualTo(json("{'metadata':{'annotations':{'b':'2','c':'3'}},'spec':{'list':[9],'x':1}}"));
  }

  @Test
  void crdDefaultsAreFilledInRecursively() throws Exception {
    JsonNode schema = JSON.valueToTree(CrdDefinition.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    JsonNode obj = json("{'spec':{'runtime':'Process','processes':[{'name':'a','command':['x']}],"
        + "'probes':[{'name':'p','tcpSocket':{'port':1}}]}}");
    SchemaDefaults.apply(obj, schema);
    assertThat(obj.at("/spec/suspend").asBoolean(true)).isFalse();
    assertThat(obj.at("/spec/processes/0/restartPolicy").asText()).isEqualTo("Always");
    assertThat(obj.at("/spec/probes/0/periodSeconds").asInt()).isEqualTo(10);
    assertThat(obj.at("/spec/runtime").asText()).isEqualTo("Process");
  }

  @Test
  void procServiceTableUsesThePrinterColumnsInOrder() throws Exception {
    ApiResourceRegistry registry = ApiResourceRegistry.withBuiltIns();
    registry.addCrd(CrdDefinition.load());
    ApiResource psvc = registry.find("hero.ourworld.tf", "v1alpha1", "procservices").orElseThrow();
    Instant now = Instant.parse("2026-01-01T01:00:00Z");
    TableConverter tables = new TableConverter(Clock.fixed(now, ZoneOffset.UTC));
    JsonNode list = json("{'metadata':{'resourceVersion':'9'},'items':[{'metadata':{'name':'demo',"
        + "'creationTimestamp':'2026-01-01T00:55:00Z'},'status':{'state':'Degraded','probesReady':'1/2','restarts':3,"
        + "'reason':'ProbeFailed','message':'empty reply'}}]}");
    ObjectNode table = tables.toTable(psvc, list, true);
    List<String> names = new ArrayList<>();
    table.get("columnDefinitions").forEach(c -> names.add(c.get("name").asText()));
    assertThat(names).containsExactly("Name", "State", "Ready", "Restarts", "Reason", "Age", "Message");
    assertThat(table.at("/columnDefinitions/6/priority").asInt()).isEqualTo(1);
    assertThat(table.at("/rows/0/cells").toString())
        .isEqualTo("[\"demo\",\"Degraded\",\"1/2\",3,\"ProbeFailed\",\"5m\",\"empty reply\"]");
    assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("9");
    assertThat(tables.toTable(psvc, list.get("items").get(0), false).get("columnDefinitions")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"5,5s", "119,119s", "150,2m30s", "600,10m", "7200,120m", "10800,3h", "30000,8h", "200000,2d7h", "864000,10d"})
  void agesReadLikeKubectls(long seconds, String expected) {
    assertThat(TableConverter.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  /** A watch's receiving end that notes each event as TYPE@resourceVersion and each failure as ERROR code. */
  private static WatchHub.Sink recording(List<String> seen) {
    return new WatchHub.Sink() {
      @Override
      public void send(String type, JsonNode object) {
        seen.add(type + "@" + object.at("/metadata/resourceVersion").asText());
      }

      @Override
      public void fail(JsonNode status) {
        seen.add("ERROR " + status.get("code").asInt());
      }
    };
  }

  @Test
  void watchReplaysChangesAfterTheClientsResourceVersion() {
    WatchHub hub = new WatchHub();
    long[] rv = {100};
    hub.publish(null, "{'kind':'K','metadata':{'name':'a','resourceVersion':'1'}}".replace('\'', '"'), () -> ++rv[0]);
    hub.publish("{'kind':'K','metadata':{'name':'a','resourceVersion':'1'}}".replace('\'', '"'),
        "{'kind':'K','metadata':{'name':'a','resourceVersion':'2'}}".replace('\'', '"'), () -> ++rv[0]);
    List<String> seen = new ArrayList<>();
    WatchHub.Sink sink = recording(seen);
    try (WatchHub.Registration r = hub.open(o -> true, sink, "1", List::of)) {
      assertThat(seen).containsExactly("MODIFIED@2");
      hub.publish("{'kind':'K','metadata':{'name':'a','resourceVersion':'2'}}".replace('\'', '"'), null, () -> ++rv[0]);
      assertThat(seen).containsExactly("MODIFIED@2", "DELETED@101");
    }
    seen.clear();
    hub.open(o -> true, sink, "", () -> List.of("{\"kind\":\"K\",\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"7\"}}"));
    assertThat(seen).containsExactly("ADDED@7");
  }

  @Test
  void watchHistoryKeepsTheLast75SecondsAndTheLatestClientNeverGetsGone() {
    Instant[] now = {Instant.parse("2026-12-07T12:00:00Z")};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    WatchHub hub = new WatchHub(clock);
    long[] rv = {0};
    hub.publish(null, "{'kind':'K','metadata':{'name':'a','resourceVersion':'1'}}".replace('\'', '"'), () -> ++rv[0]);
    now[0] = now[0].plusSeconds(30);
    hub.publish("{'kind':'K','metadata':{'name':'a','resourceVersion':'1'}}".replace('\'', '"'),
        "{'kind':'K','metadata':{'name':'a','resourceVersion':'2'}}".replace('\'', '"'), () -> ++rv[0]);
    now[0] = now[0].plus(WatchHub.HISTORY_WINDOW).minusSeconds(10);
    hub.expire();
    assertThat(hub.historySize()).as("the first change is older than the window, the second is not").isEqualTo(1);

    List<String> seen = new ArrayList<>();
    WatchHub.Sink sink = recording(seen);
    hub.open(o -> true, sink, "1", List::of).close();
    assertThat(seen).as("from the expired change's version: the rest is still there").containsExactly("MODIFIED@2");
    seen.clear();
    now[0] = now[0].plusSeconds(60);
    hub.expire();
    assertThat(hub.historySize()).isZero();
    hub.open(o -> true, sink, "2", List::of).close();
    assertThat(seen).as("a client that saw the latest change resumes with nothing to replay").isEmpty();
    hub.open(o -> true, sink, "1", List::of).close();
    assertThat(seen).as("one further behind lists again").containsExactly("ERROR 410");
  }

  @Test
  void requestCounterNamesStatusWritesAsKubeApiserverDoes() {
    ApiRequestCounter c = new ApiRequestCounter();
    ResourcePath status = ResourcePath.parse("/apis/hero.ourworld.tf/v1alpha1/namespaces/ns/procservices/demo/status");
    c.count("PATCH", status, 200);
    c.count("PATCH", status, 200);
    c.count("GET", ResourcePath.parse("/apis/hero.ourworld.tf/v1alpha1/procservices?watch=true"), 200);
    c.count("GET", null, 200);
    assertThat(c.prometheusText())
        .contains("apiserver_request_total{verb=\"PATCH\",resource=\"procservices\",subresource=\"status\",code=\"200\"} 2\n")
        .contains("apiserver_request_total{verb=\"WATCH\",resource=\"procservices\",subresource=\"\",code=\"200\"} 1\n")
        .contains("apiserver_request_total{verb=\"GET\",resource=\"\",subresource=\"\",code=\"200\"} 1\n");
  }
}
