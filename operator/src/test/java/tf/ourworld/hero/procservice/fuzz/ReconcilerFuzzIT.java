package tf.ourworld.hero.procservice.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;

/**
 * The fuzzed specs of {@link SpecFuzzTest} through the whole operator: stored as they are by an
 * API server that checks nothing (the mock, as an API server without the CRD's schema would), all
 * at once, with every runtime on. None may stop the operator: each gets a status (a Failed one
 * with its reason and a message), a well-formed service made after them all still comes up, and
 * every object can be deleted (the finalizer comes off garbage too).
 */
class ReconcilerFuzzIT {
  static final String NS = "fuzz";
  static final int TYPED = 40;
  static final int READABLE = 20;
  static final int RAW = 20;

  @TempDir
  Path stateDir;
  MockApi api;
  KubernetesClient client;
  OperatorApp app;

  @BeforeEach
  void start() {
    api = new MockApi();
    client = api.client();
    OperatorConfig config = OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of("/bin/sleep"));
    app = OperatorApp.start(api.operatorClient(), config);
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    api.close();
  }

  static <T> List<T> sample(Arbitrary<T> arbitrary, int n) {
    return arbitrary.sampleStream().limit(n).toList();
  }

  GenericKubernetesResource object(String name, Object spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ProcService.GROUP + "/" + ProcService.VERSION);
    r.setKind("ProcService");
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  ProcService read(String name) {
    // as raw JSON: whatever the operator wrote, and whatever the typed client could not bind
    GenericKubernetesResource r = client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION,
        "ProcService").inNamespace(NS).withName(name).get();
    if (r == null) {
      return null;
    }
    ProcService status = new ProcService();
    Object s = r.getAdditionalProperties().get("status");
    if (s != null) {
      status.setStatus(Serialization.jsonMapper().convertValue(s, tf.ourworld.hero.procservice.model.ProcServiceStatus.class));
    }
    return status;
  }

  @Test
  void noGeneratedObjectStopsTheOperatorAndEachGetsAStatus() {
    SpecFuzzTest gen = new SpecFuzzTest();
    Map<String, String> made = new LinkedHashMap<>();
    int i = 0;
    for (ProcServiceSpec spec : sample(gen.specs(), TYPED)) {
      String name = "typed-" + i++;
      Object json = Serialization.jsonMapper().convertValue(spec, Map.class);
      client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService").inNamespace(NS)
          .resource(object(name, json)).create();
      made.put(name, Serialization.asJson(json));
    }
    i = 0;
    for (ProcServiceSpec spec : sample(gen.readableSpecs(), READABLE)) {
      String name = "readable-" + i++;
      Object json = Serialization.jsonMapper().convertValue(spec, Map.class);
      client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService").inNamespace(NS)
          .resource(object(name, json)).create();
      made.put(name, Serialization.asJson(json));
    }
    i = 0;
    for (ObjectNode spec : sample(gen.rawSpecs(), RAW)) {
      String name = "raw-" + i++;
      client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService").inNamespace(NS)
          .resource(object(name, Serialization.jsonMapper().convertValue(spec, Map.class))).create();
      made.put(name, spec.toString());
    }

    await("every object has a state").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          List<String> without = new ArrayList<>();
          made.forEach((name, spec) -> {
            ProcService ps = read(name);
            if (ps == null || ps.getStatus() == null || ps.getStatus().getState() == null) {
              without.add(name + " " + spec);
            }
          });
          assertThat(without).as("objects the operator never wrote a state for").isEmpty();
        });
    Map<String, Integer> verdicts = new java.util.TreeMap<>();
    made.forEach((name, spec) -> {
      ProcService ps = read(name);
      verdicts.merge(ps.getStatus().getState() + "/" + ps.getStatus().getReason(), 1, Integer::sum);
      if (ps.getStatus().getState() != ServiceState.Failed) {
        String line = name + " " + ps.getStatus().getState() + " " + ps.getStatus().getMessage() + " <- " + spec;
        System.out.println("ReconcilerFuzzIT: " + line.substring(0, Math.min(line.length(), 300)));
      }
      if (ps.getStatus().getState() == ServiceState.Failed) {
        assertThat(ps.getStatus().getReason()).as(name + " " + spec).isNotNull();
        assertThat(ps.getStatus().getMessage()).as(name + " " + spec).isNotBlank().hasSizeLessThan(4_096);
      }
    });

    System.out.println("ReconcilerFuzzIT: " + made.size() + " objects, state/reason: " + verdicts);

    // still working: a service made after them all comes up
    ProcService sentinel = ProcServiceFixture.named("sentinel").in(NS).process("sleeper", "/bin/sleep", "600").build();
    client.resource(sentinel).create();
    await("the sentinel Running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          ProcService ps = read("sentinel");
          return ps != null && ps.getStatus() != null && ps.getStatus().getState() == ServiceState.Running;
        });

    // and everything can go, garbage included
    client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService").inNamespace(NS)
        .delete();
    await("every object deleted (finalizers removed)").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .until(() -> client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService")
            .inNamespace(NS).list().getItems().stream().map(r -> r.getMetadata().getName()).filter(Objects::nonNull)
            .toList(), List::isEmpty);
  }
}
