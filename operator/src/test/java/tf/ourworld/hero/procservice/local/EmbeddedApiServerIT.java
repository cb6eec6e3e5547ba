package tf.ourworld.hero.procservice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ProcService;

/** The embedded API as real kubectl 1.31 and the fabric8 client see it. */
class EmbeddedApiServerIT {
  private static final String MANIFEST = """
      apiVersion: hero.ourworld.tf/v1alpha1
      kind: ProcService
      metadata:
        name: demo
        labels: {app: demo}
      spec:
        runtime: Process
        processes:
        - name: server
          command: [sleep, "1000"]
      """;

  @TempDir
  Path dir;
  EmbeddedApiServer api;
  KubernetesClient client;
  RealKubectl kubectl;

  @BeforeEach
  void start() throws Exception {
    RealKubectl.binary();
    api = EmbeddedApiServer.start(0);
    Path kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, api.url());
    kubectl = new RealKubectl(kubeconfig);
    client = api.createClient();
    Files.writeString(dir.resolve("demo.yaml"), MANIFEST);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void discoveryKnowsShortNamesAndTheDefaultNamespace() throws Exception {
    RealKubectl.Result r = kubectl.run("api-resources");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("procservices\\s+psvc\\s+hero.ourworld.tf/v1alpha1\\s+true\\s+ProcService");
    assertThat(kubectl.run("get", "psvc").all()).contains("No resources found in default namespace");
    assertThat(kubectl.run("get", "ns", "default").out()).contains("Active");
    assertThat(kubectl.run("explain", "psvc.spec.probes.periodSeconds").out())
        .contains("KIND:       ProcService").contains("periodSeconds <integer>").contains("Seconds between probes");
    // the root, spec and status are described, not <empty>
    assertThat(kubectl.run("explain", "psvc").out()).doesNotContain("<empty>")
        .contains("A service the operator keeps actually working");
    assertThat(kubectl.run("explain", "psvc.spec").out()).doesNotContain("<empty>")
        .contains("What should run and how to tell that it works");
    assertThat(kubectl.run("explain", "psvc.status").out()).doesNotContain("<empty>")
        .contains("What the operator observed");
  }

  @Test
  void plainApplyCreatesThenLeavesUnchangedThenConfigures() throws Exception {
    String file = dir.resolve("demo.yaml").toString();
    assertThat(kubectl.run("apply", "-f", file).out()).contains("procservice.hero.ourworld.tf/demo created");
    // kubectl re-sends lists whose items got schema defaults ("configured"), as against a real
    // API server; the stored object, and so the generation, stays the same
    assertThat(kubectl.run("apply", "-f", file).exit()).isZero();
    assertThat(client.resources(ProcService.class).withName("demo").get().getMetadata().getGeneration()).isEqualTo(1L);
    Files.writeString(dir.resolve("demo.yaml"), MANIFEST.replace("\"1000\"", "\"2000\""));
    assertThat(kubectl.run("apply", "-f", file).out()).contains("configured");

    ProcService ps = client.resources(ProcService.class).withName("demo").get();
    assertThat(ps.getSpec().getProcesses().get(0).getCommand()).containsExactly("sleep", "2000");
    assertThat(ps.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(ps.getMetadata().getUid()).isNotBlank();
    assertThat(Instant.parse(ps.getMetadata().getCreationTimestamp())).isBefore(Instant.now().plusSeconds(1));
  }

  @Test
  void malformedManifestGetsAClearErrorFromKubectl() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "apiVersion: hero.ourworld.tf/v1alpha1\nkind: ProcService\nmetadata: {name: [\n");
    RealKubectl.Result r = kubectl.run("apply", "-f", dir.resolve("bad.yaml").toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("bad.yaml");
  }

  @Test
  void schemaInvalidManifestIsRejectedWithTheFieldsNamedAndNothingStored() throws Exception {
    Files.writeString(dir.resolve("typebad.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: typebad}
        spec:
          runtime: Bogus
          colour: blue
          processes:
          - name: server
            command: [sleep, "1"]
          probes:
          - name: rpc
            periodSeconds: abc
            tcpSocket: {port: 1}
        """);
    RealKubectl.Result r = kubectl.run("apply", "-f", dir.resolve("typebad.yaml").toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("is invalid").contains("spec.runtime: Unsupported value: \"Bogus\"")
        .contains("spec.probes[0].periodSeconds").contains("must be of type integer")
        .contains("unknown field \"spec.colour\"");
    assertThat(client.resources(ProcService.class).withName("typebad").get()).isNull();

    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    RealKubectl.Result p = kubectl.run("patch", "psvc", "demo", "--type=merge", "-p", "{\"spec\":{\"suspend\":\"yes\"}}");
    assertThat(p.exit()).isNotZero();
    assertThat(p.err()).contains("spec.suspend").contains("must be of type boolean");
  }

  @Test
  void tablesShowThePrinterColumnsFromStatus() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    patchStatus("demo", "{\"status\":{\"state\":\"Degraded\",\"probesReady\":\"0/1\",\"restarts\":3,"
        + "\"reason\":\"ProbeFailed\",\"message\":\"probe rpc failed: empty reply\"}}");

    List<String> lines = kubectl.run("get", "procservices").out().lines().toList();
    assertThat(lines.get(0)).matches("NAME\\s+STATE\\s+READY\\s+RESTARTS\\s+REASON\\s+AGE");
    assertThat(lines.get(1)).matches("demo\\s+Degraded\\s+0/1\\s+3\\s+ProbeFailed\\s+\\d+s");
    String wide = kubectl.run("get", "psvc", "-o", "wide").out();
    assertThat(wide).contains("MESSAGE").contains("probe rpc failed: empty reply");
    assertThat(kubectl.run("get", "psvc", "demo", "-o", "jsonpath={.status.state}/{.status.restarts}").out())
        .isEqualTo("Degraded/3");
    assertThat(kubectl.run("get", "psvc", "-l", "app=demo", "-o", "name").out().trim())
        .isEqualTo("procservice.hero.ourworld.tf/demo");
    assertThat(kubectl.run("get", "psvc", "-l", "app=other", "-o", "name").out()).isBlank();
  }

  @Test
  void statusSubresourceIgnoresSpecAndTheMainResourceIgnoresStatus() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    patchStatus("demo", "{\"spec\":{\"suspend\":true},\"status\":{\"state\":\"Running\"}}");
    GenericKubernetesResource r = generic("demo");
    assertThat(r.get("spec", "suspend") == null || Boolean.FALSE.equals(r.get("spec", "suspend"))).isTrue();
    assertThat((String) r.get("status", "state")).isEqualTo("Running");
    assertThat(r.getMetadata().getGeneration()).isEqualTo(1L);

    RealKubectl.Result p = kubectl.run("patch", "psvc", "demo", "--type=merge", "-p", "{\"status\":{\"state\":\"Failed\"}}");
    assertThat(p.exit()).as(p.err()).isZero();
    assertThat((String) generic("demo").get("status", "state")).isEqualTo("Running");
  }

  @Test
  void annotateAndLabelAddAndRemoveKeys() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    assertThat(kubectl.run("annotate", "psvc", "demo", "hero.ourworld.tf/probe-now=1").exit()).isZero();
    assertThat(generic("demo").getMetadata().getAnnotations()).containsEntry("hero.ourworld.tf/probe-now", "1");
    assertThat(kubectl.run("annotate", "psvc", "demo", "hero.ourworld.tf/probe-now-").exit()).isZero();
    assertThat(generic("demo").getMetadata().getAnnotations()).doesNotContainKey("hero.ourworld.tf/probe-now");
    assertThat(kubectl.run("label", "psvc", "demo", "tier=web").exit()).isZero();
    assertThat(generic("demo").getMetadata().getLabels()).containsEntry("tier", "web");
    assertThat(generic("demo").getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void waitReturnsOnceTheReadyConditionIsTrue() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    Process wait = kubectl.start("wait", "--for=condition=Ready", "psvc/demo", "--timeout=60s");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> api.openWatches() > 0);
      patchStatus("demo", "{\"status\":{\"state\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
          + "\"reason\":\"AllProbesPassing\",\"message\":\"\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
      await().atMost(Duration.ofSeconds(60)).until(() -> !wait.isAlive());
      assertThat(wait.exitValue()).isZero();
      assertThat(new String(wait.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("condition met");
    } finally {
      wait.destroyForcibly();
    }
  }

  @Test
  void getWatchPrintsEachChangeAsATableRow() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    Process watch = kubectl.start("get", "psvc", "-w");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        in.lines().forEach(lines::add);
      } catch (java.io.IOException e) {
        // process ended
      }
    });
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() >= 2 && api.openWatches() > 0);
      patchStatus("demo", "{\"status\":{\"state\":\"Degraded\",\"probesReady\":\"1/2\",\"restarts\":1,\"reason\":\"ProbeFailed\"}}");
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.matches("demo\\s+Degraded\\s+1/2\\s+1\\s+ProbeFailed.*")));
      assertThat(lines.get(0)).startsWith("NAME").contains("STATE");
      assertThat(lines.stream().filter(l -> l.startsWith("NAME"))).hasSize(1);
    } finally {
      watch.destroyForcibly();
      reader.join(5000);
    }
  }

  @Test
  void describeAndGetEventsShowTheOperatorsEvents() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    ProcService ps = client.resources(ProcService.class).withName("demo").get();
    client.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata().withName("demo.probe")
        .withNamespace("default").endMetadata()
        .withNewInvolvedObject().withApiVersion("hero.ourworld.tf/v1alpha1").withKind("ProcService").withName("demo")
        .withNamespace("default").withUid(ps.getMetadata().getUid()).endInvolvedObject()
        .withType("Warning").withReason("ProbeFailed").withMessage("Probe rpc failed 3 times: empty reply")
        .withNewSource().withComponent("procservice-operator").endSource()
        .withFirstTimestamp(Instant.now().toString()).withLastTimestamp(Instant.now().toString()).withCount(1)
        .build()).create();

    String describe = kubectl.run("describe", "psvc", "demo").out();
    assertThat(describe).contains("ProbeFailed").contains("Probe rpc failed 3 times: empty reply");
    String events = kubectl.run("get", "events").out();
    assertThat(events).containsPattern("Warning\\s+ProbeFailed\\s+procservice/demo\\s+Probe rpc failed");
  }

  @Test
  void deleteWaitsForFinalizersAndWatchersSeeTheDeletion() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    client.resources(ProcService.class).withName("demo").edit(p -> {
      p.getMetadata().getFinalizers().add(ProcService.FINALIZER);
      return p;
    });
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch w = client.resources(ProcService.class).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ProcService resource) {
        seen.add(action + " " + (resource.getMetadata().getDeletionTimestamp() != null));
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      RealKubectl.Result d = kubectl.run("delete", "psvc", "demo", "--wait=false");
      assertThat(d.out()).contains("deleted");
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("MODIFIED true"));
      ProcService terminating = client.resources(ProcService.class).withName("demo").get();
      assertThat(Instant.parse(terminating.getMetadata().getDeletionTimestamp())).isNotNull();
      assertThat(kubectl.run("get", "psvc", "demo").exit()).isZero();

      client.resources(ProcService.class).withName("demo").edit(p -> {
        p.getMetadata().getFinalizers().clear();
        return p;
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(s -> s.startsWith("DELETED")));
    }
    RealKubectl.Result gone = kubectl.run("get", "psvc", "demo");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.err()).contains("NotFound").contains("\"demo\" not found");
  }

  @Test
  void fabric8ClientSeesGenerationAndResourceVersionSemantics() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    ProcService before = client.resources(ProcService.class).withName("demo").get();
    assertThat(before.getMetadata().getUid()).doesNotStartWith("00000000-0000");
    ProcService copy = client.resources(ProcService.class).withName("demo").get();
    copy.getMetadata().setName("demo-copy");
    copy.getMetadata().setResourceVersion(null);
    copy.getMetadata().setUid(null);
    ProcService created = client.resource(copy).create();
    assertThat(created.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid())
        .isEqualTo(client.resources(ProcService.class).withName("demo-copy").get().getMetadata().getUid());
    client.resources(ProcService.class).withName("demo").edit(p -> {
      p.getMetadata().getLabels().put("x", "y");
      return p;
    });
    ProcService labelled = client.resources(ProcService.class).withName("demo").get();
    assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(Long.parseLong(labelled.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(before.getMetadata().getResourceVersion()));
    client.resources(ProcService.class).withName("demo").edit(p -> {
      p.getSpec().setSuspend(true);
      return p;
    });
    assertThat(client.resources(ProcService.class).withName("demo").get().getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(client.resources(ProcService.class).withName("nope").get()).isNull();
  }

  @Test
  void concurrentMergePatchesAreNotLost() throws Exception {
    kubectl.run("apply", "-f", dir.resolve("demo.yaml").toString());
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 10; i++) {
          client.resources(ProcService.class).withName("demo")
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"l" + id + "-" + i + "\":\"x\"}}}");
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(client.resources(ProcService.class).withName("demo").get().getMetadata().getLabels())
        .hasSize(41).containsEntry("app", "demo").containsEntry("l3-9", "x");
  }

  private void patchStatus(String name, String json) {
    client.resources(ProcService.class).withName(name).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  private GenericKubernetesResource generic(String name) {
    return client.genericKubernetesResources("hero.ourworld.tf/v1alpha1", "ProcService").withName(name).get();
  }
}
