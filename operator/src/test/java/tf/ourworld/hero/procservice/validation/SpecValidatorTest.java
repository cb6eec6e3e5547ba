package tf.ourworld.hero.procservice.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.FailureWindowSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.TcpSocketAction;

/** Each CRD rule, in Java, names the field and what is wrong. */
class SpecValidatorTest {
  final SpecValidator validator = new SpecValidator();

  static ProcServiceSpec valid() {
    ProcServiceSpec s = new ProcServiceSpec();
    s.setRuntime(RuntimeKind.Process);
    ProcessSpec server = new ProcessSpec();
    server.setName("server");
    server.setCommand(List.of("hero_foundry_server"));
    server.setPorts(List.of(new PortSpec("rpc", 8080)));
    ProcessSpec ui = new ProcessSpec();
    ui.setName("ui");
    ui.setCommand(List.of("hero_foundry_ui"));
    s.setProcesses(List.of(server, ui));
    ProbeSpec rpc = new ProbeSpec();
    rpc.setName("rpc");
    rpc.setProcess("server");
    OpenRpcAction o = new OpenRpcAction();
    o.setUnixSocket("rpc.sock");
    rpc.setOpenRpc(o);
    ProbeSpec web = new ProbeSpec();
    web.setName("web");
    web.setProcess("server");
    HttpGetAction h = new HttpGetAction();
    h.setPort(new IntOrString("rpc"));
    h.setPath("/health");
    web.setHttpGet(h);
    s.setProbes(List.of(rpc, web));
    return s;
  }

  static Arguments row(String expected, Consumer<ProcServiceSpec> change) {
    return arguments(expected, change);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        row("spec.probes[1]: exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set",
            s -> s.getProbes().get(1).setTcpSocket(new TcpSocketAction())),
        row("spec.probes[0]: exactly one of httpGet, tcpSocket, openRpc, grpc, exec must be set",
            s -> s.getProbes().get(0).setOpenRpc(null)),
        row("spec.processes[0].image: required for runtime Pod", s -> s.setRuntime(RuntimeKind.Pod)),
        row("spec.processes[1].command: required for runtime Process", s -> s.getProcesses().get(1).setCommand(List.of())),
        row("spec.processes: must be empty for runtime Track", s -> {
          s.setRuntime(RuntimeKind.Track);
          s.setSelector(new LabelSelector(null, Map.of("a", "b")));
        }),
        row("spec.selector: required for runtime Track", s -> {
          s.setRuntime(RuntimeKind.Track);
          s.setProcesses(List.of());
          s.getProbes().forEach(p -> p.setProcess(null));
        }),
        row("spec.processes: at least one process is required for runtime Process", s -> {
          s.setProcesses(List.of());
          s.getProbes().forEach(p -> p.setProcess(null));
          s.setProbes(List.of());
        }),
        row("spec.processes[1].name: duplicate process name \"server\"", s -> s.getProcesses().get(1).setName("server")),
        row("spec.processes[0].name: \"Server_1\" is not a DNS label", s -> s.getProcesses().get(0).setName("Server_1")),
        row("spec.probes[1].name: duplicate probe name \"rpc\"", s -> s.getProbes().get(1).setName("rpc")),
        row("spec.probes[0].process: \"db\" is not a process of spec.processes", s -> s.getProbes().get(0).setProcess("db")),
        row("spec.probes[1].periodSeconds: must be between 1 and 86400, got 0", s -> s.getProbes().get(1).setPeriodSeconds(0)),
        row("spec.probes[1].failureThreshold: must be between 1 and 10000, got 0", s -> s.getProbes().get(1).setFailureThreshold(0)),
        row("spec.probes[1].successThreshold: must be between 1 and 10000, got 0", s -> s.getProbes().get(1).setSuccessThreshold(0)),
        row("spec.probes[1].httpGet.port: no port named \"admin\" in process server",
            s -> s.getProbes().get(1).getHttpGet().setPort(new IntOrString("admin"))),
        row("spec.probes[1].httpGet: exactly one of port, unixSocket must be set",
            s -> s.getProbes().get(1).getHttpGet().setUnixSocket("x.sock")),
        row("spec.probes[1].expect.statusCodes[0]: '2xx' is not a status code (100-599) or a range like 200-299", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setStatusCodes(List.of("2xx"));
          s.getProbes().get(1).setExpect(e);
        }),
        row("spec.probes[1].expect.bodyRegex: not a valid regular expression", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setBodyRegex("(ok");
          s.getProbes().get(1).setExpect(e);
        }),
        row("spec.probes[1].expect.cel: at 1:8: expected type 'bool' but found 'int'", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setCel("status + 1");
          s.getProbes().get(1).setExpect(e);
        }),
        row("spec.probes[1].expect.cel: at 1:1: undeclared reference to 'result'", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setCel("result == null"); // result and error are openRpc's
          s.getProbes().get(1).setExpect(e);
        }),
        row("spec.probes[0].expect.cel: at 1:3: mismatched input '<EOF>'", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setCel("((");
          s.getProbes().get(0).setExpect(e);
        }),
        row("spec.probes[1].expect.cel: at most 4096 characters, got 4097", s -> {
          ExpectSpec e = new ExpectSpec();
          e.setCel("true" + " ".repeat(4093));
          s.getProbes().get(1).setExpect(e);
        }),
        row("spec.probes[1].failureWindow.failures: 8 runs cannot fail within 60s at periodSeconds 10 (at most 7)",
            s -> s.getProbes().get(1).setFailureWindow(new FailureWindowSpec(8, 60))),
        row("spec.probes[1].failureWindow.seconds: required",
            s -> s.getProbes().get(1).setFailureWindow(new FailureWindowSpec(4, null))),
        row("spec.probes[1].failureWindow.failures: must be between 1 and 10000, got 0",
            s -> s.getProbes().get(1).setFailureWindow(new FailureWindowSpec(0, 60))),
        row("spec.recovery.escalateAfterSeconds: only applies with recovery.action Restart (the action is Warn)", s -> {
          RecoverySpec r = new RecoverySpec();
          r.setAction(RecoveryAction.Warn);
          r.setEscalateAfterSeconds(60);
          s.setRecovery(r);
        }),
        row("spec.recovery.escalateAfterSeconds: must be between 1 and 86400, got 0", s -> {
          RecoverySpec r = new RecoverySpec();
          r.setEscalateAfterSeconds(0);
          s.setRecovery(r);
        }),
        row("spec.probes[1].exec: exec probes are only allowed for runtime Process", s -> {
          s.setRuntime(RuntimeKind.Pod);
          s.getProcesses().forEach(p -> p.setImage("img"));
          ExecAction x = new ExecAction();
          x.setCommand(List.of("/bin/true"));
          s.getProbes().get(1).setHttpGet(null);
          s.getProbes().get(1).setExec(x);
        }),
        row("spec.processes[0].env[0].name: must not contain '='",
            s -> s.getProcesses().get(0).setEnv(List.of(new EnvVarSpec("A=B", "x")))),
        row("spec.processes[0].ports[0].containerPort: must be between 1 and 65535, got 70000",
            s -> s.getProcesses().get(0).setPorts(List.of(new PortSpec("rpc", 70000)))),
        // the CRD's maximums, in Java too (an API server without them, or the embedded one)
        row("spec.probes[1].timeoutSeconds: must be between 1 and 3600, got 2147483647",
            s -> s.getProbes().get(1).setTimeoutSeconds(Integer.MAX_VALUE)),
        row("spec.probes[0].initialDelaySeconds: must be between 0 and 86400, got 86401",
            s -> s.getProbes().get(0).setInitialDelaySeconds(86401)),
        row("spec.stopGracePeriodSeconds: must be between 0 and 86400, got 100000", s -> s.setStopGracePeriodSeconds(100000)),
        row("spec.recovery.backoff.maxSeconds: must be between 1 and 86400, got 90000", s -> {
          s.setRecovery(new tf.ourworld.hero.procservice.model.RecoverySpec());
          s.getRecovery().setBackoff(new tf.ourworld.hero.procservice.model.BackoffSpec());
          s.getRecovery().getBackoff().setMaxSeconds(90000);
        }),
        row("spec.recovery.restartLimit.windowSeconds: must be between 1 and 604800, got 700000", s -> {
          s.setRecovery(new tf.ourworld.hero.procservice.model.RecoverySpec());
          s.getRecovery().setRestartLimit(new tf.ourworld.hero.procservice.model.RestartLimitSpec());
          s.getRecovery().getRestartLimit().setWindowSeconds(700000);
        }),
        row("spec.probes[1].httpGet.port: must be between 1 and 65535, got 99999999999999999999",
            s -> s.getProbes().get(1).getHttpGet().setPort(new IntOrString("99999999999999999999"))),
        // probes the operator could not send are invalid, never a probe failure
        row("spec.probes[1].httpGet.path: must not contain spaces, CR, LF", s -> s.getProbes().get(1).getHttpGet()
            .setPath("/health\r\nX-Injected: 1")),
        row("spec.probes[1].httpGet.httpHeaders[0].value: must not contain CR, LF", s -> s.getProbes().get(1).getHttpGet()
            .setHttpHeaders(List.of(new tf.ourworld.hero.procservice.model.HttpHeader("X-A", "a\r\nHost: evil")))),
        row("spec.probes[1].httpGet.httpHeaders[0].name: not a valid HTTP header name", s -> s.getProbes().get(1)
            .getHttpGet().setHttpHeaders(List.of(new tf.ourworld.hero.procservice.model.HttpHeader("X A\n", "v")))),
        row("spec.probes[1].httpGet.scheme: HTTPS is not supported over a unix socket", s -> {
          HttpGetAction h = s.getProbes().get(1).getHttpGet();
          h.setPort(null);
          h.setUnixSocket("ui.sock");
          h.setScheme(HttpGetAction.Scheme.HTTPS);
        }),
        row("spec.probes[0].openRpc.path: must not contain spaces, CR, LF",
            s -> s.getProbes().get(0).getOpenRpc().setPath("/rpc\n")),
        // the CRD's maxItems: 32, which the real API server enforces (SpecAgreementRealClusterIT)
        row("spec.probes: at most 32 probes allowed, got 33", s -> s.setProbes(java.util.stream.IntStream.range(0, 33)
            .mapToObj(i -> {
              ProbeSpec p = new ProbeSpec();
              p.setName("p" + i);
              TcpSocketAction t = new TcpSocketAction();
              t.setPort(new IntOrString(80));
              p.setTcpSocket(t);
              return p;
            }).toList())));

  }

  @Test
  void aHugeValueIsNeverQuotedWhole() {
    ProcServiceSpec s = valid();
    s.getProbes().get(0).setProcess("x".repeat(200_000));
    List<String> problems = validator.messages(SpecDefaults.apply(s));
    assertThat(problems).singleElement().satisfies(p -> assertThat(p)
        .startsWith("spec.probes[0].process: \"xxxx").contains("... (200000 characters)")
        .hasSizeLessThan(200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void namesTheFieldAndTheProblem(String expected, Consumer<ProcServiceSpec> change) {
    ProcServiceSpec s = valid();
    change.accept(s);
    List<String> problems = validator.messages(SpecDefaults.apply(s));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(expected));
  }

  @Test
  void aTypeCheckedCelExpressionIsValid() {
    ProcServiceSpec s = valid();
    ExpectSpec rpc = new ExpectSpec();
    rpc.setCel("result.openrpc.startsWith('1.') && error == null");
    s.getProbes().get(0).setExpect(rpc);
    ExpectSpec web = new ExpectSpec();
    web.setCel("json.status == \"ok\" && json.db.latencyMs < 200 && headers['content-type'] != ''");
    s.getProbes().get(1).setExpect(web);
    s.getProbes().get(1).setFailureWindow(new FailureWindowSpec(7, 60));
    assertThat(validator.messages(SpecDefaults.apply(s))).isEmpty();
  }

  @Test
  void theSeedServiceIsValid() {
    assertThat(validator.messages(SpecDefaults.apply(valid()))).isEmpty();
  }

}
