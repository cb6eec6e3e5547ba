package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Flux {@code healthCheckExprs} of docs/gitops.md, evaluated with CEL (the operator's own
 * evaluator, with the optional-field syntax Flux enables) against sample ProcServices: each state
 * and condition mix gets the Flux status it should, in Flux's order (inProgress, failed, current;
 * none: still in progress).
 */
class FluxHealthExprsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setOptions(CelOptions.current().enableOptionalSyntax(true).build())
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addCompilerLibraries(CelOptionalLibrary.INSTANCE)
      .addRuntimeLibraries(CelOptionalLibrary.INSTANCE)
      .addVar("status", SimpleType.DYN)
      .addVar("metadata", SimpleType.DYN)
      .setResultType(SimpleType.BOOL)
      .build();

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("no status yet", "{}", "InProgress"),
        Arguments.of("old generation", status(1, "Running", null, "True", "False"), "InProgress"),
        Arguments.of("Starting", status(2, "Starting", "ProbesPending", "False", "False"), "InProgress"),
        Arguments.of("Running", status(2, "Running", "AllProbesPassing", "True", "False"), "Current"),
        Arguments.of("Degraded, critical probe", status(2, "Degraded", "ProbeFailed", "False", "False"), "Failed"),
        Arguments.of("Degraded, non-critical probe", status(2, "Degraded", "ProbeFailed", "True", "False"), "Current"),
        Arguments.of("Failed", status(2, "Failed", "RestartLimitExceeded", "False", "True"), "Failed"),
        Arguments.of("Failed, invalid spec", status(2, "Failed", "InvalidSpec", "False", "True"), "Failed"),
        Arguments.of("Suspended", status(2, "Stopped", "Suspended", "True", "False"), "Current"),
        Arguments.of("Stopping", status(2, "Stopped", "Stopping", "False", "False"), "InProgress"),
        Arguments.of("NoPods", status(2, "Stopped", "NoPods", "False", "False"), "InProgress"),
        Arguments.of("Completed", status(2, "Stopped", "Completed", "False", "False"), "Current"));
  }

  private static String status(int observed, String state, String reason, String ready, String stalled) {
    return "{\"observedGeneration\":" + observed + ",\"state\":\"" + state + "\""
        + (reason == null ? "" : ",\"reason\":\"" + reason + "\"")
        + ",\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + ready + "\"},{\"type\":\"Stalled\",\"status\":\""
        + stalled + "\"}]}";
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("samples")
  void fluxReadsTheStateAsExpected(String name, String statusJson, String expected) throws Exception {
    Map<String, CelRuntime.Program> exprs = expressions();
    Map<String, Object> vars = Map.of("status", value(JSON.readTree(statusJson)),
        "metadata", value(JSON.readTree("{\"generation\":2}")));
    String got = "InProgress";
    for (String which : List.of("inProgress", "failed", "current")) {
      if (Boolean.TRUE.equals(exprs.get(which).eval(vars))) {
        got = which.equals("inProgress") ? "InProgress" : which.equals("failed") ? "Failed" : "Current";
        break;
      }
    }
    assertThat(got).isEqualTo(expected);
  }

  /** The three expressions of the ProcService entry in docs/gitops.md's Kustomization. */
  static Map<String, CelRuntime.Program> expressions() throws Exception {
    String doc = Files.readString(RbacAudit.projectRoot().resolve("docs/gitops.md"));
    Matcher m = Pattern.compile("```yaml\n(apiVersion: kustomize.toolkit.fluxcd.io/v1\n.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("the Kustomization with healthCheckExprs in docs/gitops.md").isTrue();
    JsonNode entry = null;
    for (JsonNode e : YAML.readTree(m.group(1)).path("spec").path("healthCheckExprs")) {
      if ("ProcService".equals(e.path("kind").asText())) {
        entry = e;
      }
    }
    assertThat(entry).as("a healthCheckExprs entry for ProcService").isNotNull();
    Map<String, CelRuntime.Program> out = new java.util.HashMap<>();
    for (String which : List.of("inProgress", "failed", "current")) {
      out.put(which, CEL.createProgram(CEL.compile(entry.path(which).asText()).getAst()));
    }
    return out;
  }

  private static Object value(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new java.util.LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), value(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new java.util.ArrayList<>();
      node.forEach(n -> list.add(value(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    return node.isBoolean() ? node.booleanValue() : node.asText();
  }
}
