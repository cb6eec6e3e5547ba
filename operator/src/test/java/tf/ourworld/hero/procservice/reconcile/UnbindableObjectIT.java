package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceDeserializer;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.runtime.DisabledRuntime;
import tf.ourworld.hero.procservice.testing.FakeRuntime;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.ScriptedProbes;

/**
 * Objects the model cannot bind, as an API server without the CRD's bounds lets them through (the
 * CRUD mock validates nothing): they get Failed / InvalidSpec naming the field, the others keep
 * reconciling, and the operator neither stops nor loops.
 */
class UnbindableObjectIT {
  private static final Duration LONG = Duration.ofSeconds(30);
  MockApi api;
  KubernetesClient client;
  OperatorApp app;
  final FakeRuntime processes = new FakeRuntime(RuntimeKind.Process);

  @BeforeEach
  void setUp() {
    api = new MockApi();
    client = api.client();
  }

  @AfterEach
  void tearDown() {
    if (app != null) {
      app.close();
    }
    api.close();
  }

  private void startOperator() {
    app = OperatorApp.builder(client, OperatorConfig.defaults().withHttpPort(-1))
        .runtime(processes)
        .runtime(new DisabledRuntime(RuntimeKind.Pod, "runtime Pod is disabled on this operator"))
        .runtime(new DisabledRuntime(RuntimeKind.Track, "runtime Track is disabled on this operator"))
        .probeRunner(ScriptedProbes::new)
        .withoutObservability()
        .start();
  }

  private void createRaw(String name, String specJson, Map<String, String> annotations) {
    GenericKubernetesResource r = Serialization.unmarshal("""
        {"apiVersion": "hero.ourworld.tf/v1alpha1", "kind": "ProcService",
         "metadata": {"name": "%s", "namespace": "test"}, "spec": %s}""".formatted(name, specJson),
        GenericKubernetesResource.class);
    r.getMetadata().setAnnotations(annotations);
    client.genericKubernetesResources("hero.ourworld.tf/v1alpha1", "ProcService").inNamespace("test").resource(r).create();
  }

  private static String spec(String probeExtra) {
    return """
        {"runtime": "Process", "processes": [{"name": "server", "command": ["server"]}],
         "probes": [{"name": "rpc", "process": "server", "tcpSocket": {"port": 8080}%s}]}""".formatted(probeExtra);
  }

  private String message(String name) {
    ProcService p = get(name);
    return p == null || p.getStatus() == null ? null : p.getStatus().getMessage();
  }

  private ProcService get(String name) {
    return client.resources(ProcService.class).inNamespace("test").withName(name).get();
  }

  @Test
  void anIntegerAbove2To31MinusOneFailsThatObjectOnlyNamingTheField() {
    createRaw("huge-timeout", spec(", \"timeoutSeconds\": 4294967296"), null);
    createRaw("good-before", spec(""), null);
    startOperator(); // an informer that threw on the bad object would never sync, and start() would fail

    await().atMost(LONG).untilAsserted(() -> {
      ProcService bad = get("huge-timeout");
      assertThat(bad.getStatus()).isNotNull();
      assertThat(bad.getStatus().getState()).isEqualTo(ServiceState.Failed);
      assertThat(bad.getStatus().getReason()).isEqualTo("InvalidSpec");
      assertThat(bad.getStatus().getMessage()).startsWith("spec.probes[0].timeoutSeconds: value out of range");
    });
    await().atMost(LONG).until(() -> get("good-before").getStatus() != null
        && get("good-before").getStatus().getState() != ServiceState.Failed);

    // objects created later, bad and good, are handled as well: the operator is alive and not stuck
    createRaw("bad-port", spec("").replace("8080", "99999999999"), null);
    createRaw("wrong-type", spec(", \"periodSeconds\": \"often\""), null);
    createRaw("good-after", spec(""), null);
    // status is absent until the operator wrote it: asserted (and so retried), never dereferenced
    await().atMost(LONG).untilAsserted(() -> {
      assertThat(message("bad-port")).startsWith("spec.probes[0].tcpSocket.port: ");
      assertThat(message("wrong-type")).startsWith("spec.probes[0].periodSeconds: has the wrong type");
      assertThat(get("good-after").getStatus()).isNotNull();
    });
    assertThat(get("good-after").getStatus().getState()).isNotEqualTo(ServiceState.Failed);
    assertThat(processes.starts.get()).isPositive();

    // no loop: an unchanged bad object causes no further status writes
    long writes = api.statusWrites("huge-timeout");
    createRaw("nudge", spec(""), null);
    await().atMost(LONG).until(() -> get("nudge").getStatus() != null);
    assertThat(api.statusWrites("huge-timeout")).isEqualTo(writes);
  }

  @Test
  void aHugeProbeNowAnnotationIsNotCopiedWholeIntoStatus() {
    String huge = "x".repeat(200_000);
    createRaw("probe-now", spec(""), Map.of(ProcService.ANNOTATION_PROBE_NOW, huge));
    startOperator();
    await().atMost(LONG).until(() -> get("probe-now").getStatus() != null
        && get("probe-now").getStatus().getHandled() != null);
    String handled = get("probe-now").getStatus().getHandled().getProbeNow();
    assertThat(handled).startsWith("sha256:").hasSize("sha256:".length() + 64);
    assertThat(Serialization.asJson(get("probe-now").getStatus()).length()).isLessThan(10_000);
    assertThat(handled).isEqualTo(ProcServiceDeserializer.digest(huge));
  }
}
