package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * Integers beyond int32 in every integer field of the spec: the model holds them as Java ints, a
 * real API server stores int64 unless the CRD says format int32 / maximum. Each must be refused by the
 * API, or handled: stored, and still readable by the operator's typed client (what its informer does).
 */
@RealClusterTest
class Int32RealClusterIT {
  static final long BEYOND = 2147483648L;
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static KubernetesClient client;
  static String ns;

  /** Every integer field of spec, as a path, and a valid spec where that path holds {@link #BEYOND}. */
  static Map<String, String> cases() {
    String probe = "{runtime: Process, processes: [{name: s, command: [x]}], probes: [%s]}";
    Map<String, String> c = new LinkedHashMap<>();
    for (String f : List.of("initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")) {
      c.put("probes[]." + f, String.format(probe, "{name: p, tcpSocket: {port: 80}, " + f + ": " + BEYOND + "}"));
    }
    c.put("probes[].expect.maxBodyBytes", String.format(probe, "{name: p, httpGet: {port: 80}, expect: {maxBodyBytes: " + BEYOND + "}}"));
    c.put("probes[].httpGet.port", String.format(probe, "{name: p, httpGet: {port: " + BEYOND + "}}"));
    c.put("probes[].tcpSocket.port", String.format(probe, "{name: p, tcpSocket: {port: " + BEYOND + "}}"));
    c.put("probes[].openRpc.port", String.format(probe, "{name: p, openRpc: {port: " + BEYOND + "}}"));
    c.put("probes[].grpc.port", String.format(probe, "{name: p, grpc: {port: " + BEYOND + "}}"));
    c.put("probes[].failureWindow.failures", String.format(probe, "{name: p, tcpSocket: {port: 80}, failureWindow: {failures: " + BEYOND + ", seconds: 60}}"));
    c.put("probes[].failureWindow.seconds", String.format(probe, "{name: p, tcpSocket: {port: 80}, failureWindow: {failures: 3, seconds: " + BEYOND + "}}"));
    c.put("probes[].openRpc.acceptErrorCodes[]", String.format(probe, "{name: p, openRpc: {port: 80, acceptErrorCodes: [" + BEYOND + "]}}"));
    c.put("processes[].ports[].containerPort", "{processes: [{name: a, image: x, ports: [{containerPort: " + BEYOND + "}]}]}");
    c.put("recovery.backoff.initialSeconds", "{processes: [{name: a, image: x}], recovery: {backoff: {initialSeconds: " + BEYOND + "}}}");
    c.put("recovery.backoff.maxSeconds", "{processes: [{name: a, image: x}], recovery: {backoff: {maxSeconds: " + BEYOND + "}}}");
    c.put("recovery.restartLimit.maxRestarts", "{processes: [{name: a, image: x}], recovery: {restartLimit: {maxRestarts: " + BEYOND + "}}}");
    c.put("recovery.restartLimit.windowSeconds", "{processes: [{name: a, image: x}], recovery: {restartLimit: {windowSeconds: " + BEYOND + "}}}");
    c.put("recovery.escalateAfterSeconds", "{processes: [{name: a, image: x}], recovery: {escalateAfterSeconds: " + BEYOND + "}}");
    c.put("stopGracePeriodSeconds", "{processes: [{name: a, image: x}], stopGracePeriodSeconds: " + BEYOND + "}");
    return c;
  }

  @BeforeAll
  static void setUp() {
    client = RealCluster.adminClient();
    RealCluster.installCrd(client);
    ns = RealCluster.createNamespace(client, "int32", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      client.namespaces().withName(ns).delete();
      client.close();
    }
  }

  @Test
  void theTableCoversEveryIntegerFieldOfTheSpec() throws Exception {
    JsonNode crd = YAML.readTree(Files.readString(RealCluster.CRD_FILE));
    JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    TreeSet<String> found = new TreeSet<>();
    integers(spec, "", found);
    assertThat(new TreeSet<>(cases().keySet())).isEqualTo(found);
  }

  static void integers(JsonNode schema, String path, TreeSet<String> out) {
    if ("integer".equals(schema.path("type").asText()) || schema.path("x-kubernetes-int-or-string").asBoolean()) {
      out.add(path);
      return;
    }
    if (schema.has("items")) {
      integers(schema.get("items"), path + "[]", out);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      integers(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
    }
  }

  @Test
  void integersBeyondInt32AreRefusedOrHandled() throws Exception {
    List<String> neither = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> c : cases().entrySet()) {
      String name = "beyond-" + i++;
      GenericKubernetesResource r = new GenericKubernetesResource();
      r.setApiVersion(ProcService.GROUP + "/" + ProcService.VERSION);
      r.setKind("ProcService");
      r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
      r.setAdditionalProperty("spec", YAML.readValue(c.getValue(), Map.class));
      try {
        client.genericKubernetesResources(r.getApiVersion(), "ProcService").inNamespace(ns).resource(r).create();
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).as(c.getKey() + ": " + e.getMessage()).isEqualTo(422);
        continue; // refused
      }
      try {
        client.resources(ProcService.class).inNamespace(ns).withName(name).get();
      } catch (RuntimeException e) {
        neither.add(c.getKey() + " (stored by the API; the typed client cannot read it: " + rootMessage(e) + ")");
      } finally {
        client.genericKubernetesResources(r.getApiVersion(), "ProcService").inNamespace(ns).withName(name).delete();
      }
    }
    assertThat(neither).as("integer fields beyond int32 that are neither refused nor handled").isEmpty();
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.toString() : m.lines().findFirst().orElse(m);
  }
}
