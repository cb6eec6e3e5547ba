package tf.ourworld.hero.procservice.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.validation.SpecValidator;

/**
 * One table of specs, judged twice: by the real API server (the generated CRD's OpenAPI bounds and
 * CEL rules, a server-side dry-run create) and by {@link SpecValidator} (what the operator checks
 * before acting, on API servers that enforce less). The verdicts must agree on every case, and a
 * refusal by the API must carry the CRD's message.
 */
@RealClusterTest
class SpecAgreementRealClusterIT {
  static final String PROCESS = "{runtime: Process, processes: [{name: server, command: [srv], ports: [{name: http, containerPort: 8080}]}], "
      + "probes: [{name: http, process: server, httpGet: {port: 8080, path: /health}}]}";
  static final String POD = "{processes: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}], "
      + "probes: [{name: http, process: web, httpGet: {port: http, path: /}}]}";

  /** A case: a spec (YAML flow), and null when valid or the CRD's message when refused. */
  record Case(String name, String spec, String crdMessage) {
  }

  static String processWith(String probe) {
    return "{runtime: Process, processes: [{name: server, command: [srv]}], probes: [" + probe + "]}";
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("valid Process", PROCESS, null));
    c.add(new Case("valid Pod", POD, null));
    c.add(new Case("valid Track", "{runtime: Track, selector: {matchLabels: {app: x}}, probes: [{name: t, tcpSocket: {port: 80}}]}", null));
    c.add(new Case("runtime Bogus", "{runtime: Bogus, processes: [{name: a, image: x}]}", "Unsupported value: \"Bogus\""));
    c.add(new Case("two probe actions", processWith("{name: p, httpGet: {port: 80}, tcpSocket: {port: 80}}"),
        "exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set"));
    c.add(new Case("no probe action", processWith("{name: p}"), "exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set"));
    c.add(new Case("periodSeconds 0", processWith("{name: p, tcpSocket: {port: 80}, periodSeconds: 0}"),
        "should be greater than or equal to 1"));
    c.add(new Case("periodSeconds a string", processWith("{name: p, tcpSocket: {port: 80}, periodSeconds: often}"),
        "must be of type integer"));
    c.add(new Case("timeoutSeconds 0", processWith("{name: p, tcpSocket: {port: 80}, timeoutSeconds: 0}"),
        "should be greater than or equal to 1"));
    c.add(new Case("failureThreshold 0", processWith("{name: p, tcpSocket: {port: 80}, failureThreshold: 0}"),
        "should be greater than or equal to 1"));
    c.add(new Case("successThreshold 0", processWith("{name: p, tcpSocket: {port: 80}, successThreshold: 0}"),
        "should be greater than or equal to 1"));
    c.add(new Case("initialDelaySeconds -1", processWith("{name: p, tcpSocket: {port: 80}, initialDelaySeconds: -1}"),
        "should be greater than or equal to 0"));
    c.add(new Case("duplicate process names", "{runtime: Process, processes: [{name: a, command: [x]}, {name: a, command: [y]}]}",
        "process names must be unique"));
    c.add(new Case("duplicate probe names", processWith("{name: p, tcpSocket: {port: 80}}, {name: p, tcpSocket: {port: 81}}"),
        "probe names must be unique"));
    c.add(new Case("probe names a missing process", processWith("{name: p, process: nope, tcpSocket: {port: 80}}"),
        "probe.process must name a process of spec.processes"));
    c.add(new Case("exec probe on Pod", "{processes: [{name: a, image: x}], probes: [{name: p, exec: {command: [/bin/true]}}]}",
        "exec probes are only allowed for runtime Process"));
    c.add(new Case("Pod process without image", "{processes: [{name: a}]}", "image is required for every process of runtime Pod"));
    c.add(new Case("Process without command", "{runtime: Process, processes: [{name: a}]}",
        "command is required for every process of runtime Process"));
    c.add(new Case("Track without selector", "{runtime: Track}", "selector is required for runtime Track"));
    c.add(new Case("Track with processes", "{runtime: Track, selector: {matchLabels: {a: b}}, processes: [{name: a, image: x}]}",
        "processes must be empty for runtime Track"));
    c.add(new Case("no processes", "{runtime: Process}", "at least one process is required for runtimes Pod and Process"));
    c.add(new Case("process name not a DNS label", "{runtime: Process, processes: [{name: Server_1, command: [x]}]}",
        "should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"));
    c.add(new Case("17 processes", "{runtime: Process, processes: ["
        + IntStream.range(0, 17).mapToObj(i -> "{name: p" + i + ", command: [x]}").collect(Collectors.joining(", ")) + "]}",
        "must have at most 16 items"));
    c.add(new Case("33 probes", processWith(
        IntStream.range(0, 33).mapToObj(i -> "{name: p" + i + ", tcpSocket: {port: 80}}").collect(Collectors.joining(", "))),
        "must have at most 32 items"));
    c.add(new Case("containerPort 70000", "{processes: [{name: a, image: x, ports: [{containerPort: 70000}]}]}",
        "should be less than or equal to 65535"));
    c.add(new Case("containerPort 0", "{processes: [{name: a, image: x, ports: [{containerPort: 0}]}]}",
        "should be greater than or equal to 1"));
    c.add(new Case("stopGracePeriodSeconds -1", "{processes: [{name: a, image: x}], stopGracePeriodSeconds: -1}",
        "should be greater than or equal to 0"));
    c.add(new Case("backoff.maxSeconds 0", "{processes: [{name: a, image: x}], recovery: {backoff: {maxSeconds: 0}}}",
        "should be greater than or equal to 1"));
    c.add(new Case("restartLimit.maxRestarts 0", "{processes: [{name: a, image: x}], recovery: {restartLimit: {maxRestarts: 0}}}",
        "should be greater than or equal to 1"));
    c.add(new Case("expect.maxBodyBytes 2000000",
        processWith("{name: p, httpGet: {port: 80}, expect: {maxBodyBytes: 2000000}}"), "should be less than or equal to 1048576"));
    c.add(new Case("recovery.action Sometimes", "{processes: [{name: a, image: x}], recovery: {action: Sometimes}}",
        "Unsupported value: \"Sometimes\""));
    return c;
  }

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void setUp() {
    client = RealCluster.adminClient();
    RealCluster.installCrd(client);
    ns = RealCluster.createNamespace(client, "agreement", Map.of());
  }

  @AfterAll
  static void tearDown() {
    if (client != null) {
      if (ns != null) {
        client.namespaces().withName(ns).delete();
      }
      client.close();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    try {
      return YAML.readValue(text, Map.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** null: the API accepted it (dry run); else the API's error message. */
  static String apiVerdict(String name, String spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ProcService.GROUP + "/" + ProcService.VERSION);
    r.setKind("ProcService");
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.setAdditionalProperty("spec", yaml(spec));
    try {
      client.genericKubernetesResources(ProcService.GROUP + "/" + ProcService.VERSION, "ProcService")
          .inNamespace(ns).resource(r).dryRun().create();
      return null;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as("HTTP status for %s: %s", name, e.getMessage()).isEqualTo(422);
      return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
  }

  /** null: the operator's validator accepts it; else why not (a spec the model cannot even hold is refused too). */
  static String javaVerdict(String spec) {
    ProcService ps;
    try {
      // as the operator's client reads it: fabric8's JSON mapper
      ObjectNode json = Serialization.jsonMapper().createObjectNode();
      json.put("apiVersion", ProcService.GROUP + "/" + ProcService.VERSION).put("kind", "ProcService");
      json.putObject("metadata").put("name", "x");
      json.set("spec", Serialization.jsonMapper().valueToTree(yaml(spec)));
      ps = Serialization.jsonMapper().treeToValue(json, ProcService.class);
    } catch (Exception e) {
      return "not a ProcService: " + e.getMessage();
    }
    List<String> problems = new SpecValidator().validate(ps.getSpec()).stream().map(SpecProblem::message).toList();
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  @Test
  void theRealApiAndSpecValidatorAgreeOnEveryCase() {
    Map<String, String> disagreements = new LinkedHashMap<>();
    Map<String, String> wrongMessage = new LinkedHashMap<>();
    int i = 0;
    for (Case c : cases()) {
      String api = apiVerdict("case-" + i++, c.spec());
      String java = javaVerdict(c.spec());
      if ((api == null) != (java == null)) {
        disagreements.put(c.name(), "API " + (api == null ? "accepts" : "refuses (" + api + ")") + ", SpecValidator "
            + (java == null ? "accepts" : "refuses (" + java + ")"));
      }
      if ((c.crdMessage() == null) != (api == null) || (api != null && !api.contains(c.crdMessage()))) {
        wrongMessage.put(c.name(), "expected " + (c.crdMessage() == null ? "accepted" : "refused with '" + c.crdMessage() + "'")
            + ", API said " + (api == null ? "accepted" : "'" + api + "'"));
      }
    }
    assertThat(disagreements).as("cases where the real API and SpecValidator disagree").isEmpty();
    assertThat(wrongMessage).as("cases where the real API's verdict is not the CRD's message").isEmpty();
  }
}
