package tf.ourworld.hero.procservice.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.HttpHeader;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.TcpSocketAction;
import tf.ourworld.hero.procservice.probe.ProbeResult;
import tf.ourworld.hero.procservice.probe.ProbeState;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;
import tf.ourworld.hero.procservice.runtime.UnitRules;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.findings.FindingsCollector;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.status.StatusCalculator;
import tf.ourworld.hero.procservice.status.StatusInputs;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import tf.ourworld.hero.procservice.validation.SpecValidator;

/**
 * Property-based: generated specs, hostile values included (huge integers, CR/LF, empty and huge
 * strings, nulls), through the validator, the deserializer and the status calculator. No exception
 * escapes, every refusal names a field, and nothing quoted grows with the input.
 */
class SpecFuzzTest {
  /** "spec.probes[0].httpGet.httpHeaders[1].value: ..." */
  static final Pattern NAMES_A_FIELD = Pattern.compile("^spec(\\.[A-Za-z]+(\\[\\d+])*)*(\\[\\d+])*: \\S.*", Pattern.DOTALL);

  private final SpecValidator validator = new SpecValidator();
  private final StatusCalculator calculator = new StatusCalculator();

  @Property(tries = 400)
  void theValidatorNeverThrowsAndEveryRefusalNamesAField(@ForAll("specs") ProcServiceSpec spec) {
    List<String> problems = validator.validate(SpecDefaults.apply(spec)).stream().map(SpecProblem::message).toList();
    assertThat(problems).allSatisfy(p -> {
      assertThat(p).matches(NAMES_A_FIELD);
      assertThat(p.length()).isLessThan(2_000);
    });
  }

  /**
   * Specs as the reconciler can get them: the deserializer refuses null array items (the CRD forbids
   * them), so none reaches the calculator. (With them it throws a NullPointerException: the
   * calculator relies on the schema there.)
   */
  @Property(tries = 300)
  void theStatusCalculatorNeverThrows(@ForAll("readableSpecs") ProcServiceSpec spec, @ForAll("observations") RuntimeObservation obs,
      @ForAll("probeStates") Map<ProbeKey, ProbeState> probes, @ForAll boolean stopping, @ForAll long generation,
      @ForAll boolean tracked) {
    ProcServiceSpec s = SpecDefaults.apply(spec);
    List<SpecProblem> invalid = validator.validate(s);
    List<SpecProblem> problems = invalid.isEmpty() ? List.of() : List.of(invalid.get(0));
    UnitRules rules = tracked ? UnitRules.TRACKED_PODS : UnitRules.DECLARED_PROCESSES;
    // as the reconciler does: findings are worked out from a spec that will run, else only what is alive
    Findings findings = problems.isEmpty() ? FindingsCollector.collect(s, rules, obs, probes)
        : new Findings(rules, obs, List.of(), List.of());
    ProcServiceStatus status = calculator.compute(new StatusInputs(s, generation, null, problems, findings,
        StatusInputs.RecoveryView.none(), stopping, null, null, Instant.parse("2026-12-02T06:00:00Z")));
    assertThat(status).isNotNull();
    assertThat(status.getState()).isNotNull();
    assertThat(Serialization.asJson(status).length()).isLessThan(200_000);
  }

  @Property(tries = 300)
  void anyObjectAnApiServerMightHoldIsReadWithoutThrowing(@ForAll("rawSpecs") ObjectNode spec) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", "hero.ourworld.tf/v1alpha1");
    object.put("kind", "ProcService");
    object.putObject("metadata").put("name", "fuzz").put("namespace", "test");
    object.set("spec", spec);
    ProcService read = Serialization.unmarshal(object.toString(), ProcService.class);
    List<String> problems = validator.validate(SpecDefaults.apply(read.getSpec())).stream().map(SpecProblem::message).toList();
    assertThat(problems).allSatisfy(p -> assertThat(p).matches(NAMES_A_FIELD));
    if (read.getSpec() != null && read.getSpec().bindingProblem() != null) {
      assertThat(problems).containsExactly(read.getSpec().bindingProblem());
    }
  }

  // ---- generators ----

  static Arbitrary<String> hostileStrings() {
    return Arbitraries.oneOf(
        Arbitraries.of("", " ", "server", "ui", "rpc", "/health", "a\r\nb", "..", "/etc", "x\0y", "Server_1",
            "99999999999999999999", "0", "-1", "65536", "rpc.sock", "/abs/sock", "LD_PRELOAD", "PYTHONPATH"),
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().withChars('a', 'x', '-', '/', '\n').ofMinLength(300).ofMaxLength(5_000));
  }

  static Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-2, 70_000),
        Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 1, 86_400, 86_401));
  }

  static Arbitrary<IntOrString> ports() {
    return Arbitraries.oneOf(ints().map(IntOrString::new), hostileStrings().map(IntOrString::new), Arbitraries.just(null));
  }

  @Provide
  Arbitrary<ProcServiceSpec> specs() {
    Arbitrary<List<ProcessSpec>> processes = process().list().ofMaxSize(18).injectNull(0.05);
    Arbitrary<List<ProbeSpec>> probes = probe().list().ofMaxSize(6).injectNull(0.05);
    return Combinators.combine(Arbitraries.of(RuntimeKind.class).injectNull(0.2), processes, probes,
        ints().injectNull(0.3), recovery(), Arbitraries.of(true, false).injectNull(0.3),
        Arbitraries.of(true, false)).as((runtime, ps, prs, grace, rec, suspend, selector) -> {
          ProcServiceSpec s = new ProcServiceSpec();
          s.setRuntime(runtime);
          s.setProcesses(ps == null ? null : new ArrayList<>(ps));
          s.setProbes(prs == null ? null : new ArrayList<>(prs));
          s.setStopGracePeriodSeconds(grace);
          s.setRecovery(rec);
          s.setSuspend(suspend);
          if (selector) {
            s.setSelector(new LabelSelector(null, Map.of("app", "x")));
          }
          return s;
        });
  }

  @Provide
  Arbitrary<ProcServiceSpec> readableSpecs() {
    return specs().map(s -> {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      object.put("apiVersion", "hero.ourworld.tf/v1alpha1");
      object.put("kind", "ProcService");
      object.putObject("metadata").put("name", "fuzz").put("namespace", "test");
      object.set("spec", Serialization.jsonMapper().valueToTree(s));
      return Serialization.unmarshal(object.toString(), ProcService.class).getSpec();
    });
  }

  Arbitrary<ProcessSpec> process() {
    return Combinators.combine(hostileStrings(), hostileStrings().list().ofMaxSize(3).injectNull(0.1),
        Combinators.combine(hostileStrings(), hostileStrings()).as(EnvVarSpec::new).list().ofMaxSize(3),
        Combinators.combine(hostileStrings(), ints()).as(PortSpec::new).list().ofMaxSize(2),
        hostileStrings().injectNull(0.5), hostileStrings().injectNull(0.5)).as((name, cmd, env, ports, image, wd) -> {
          ProcessSpec p = new ProcessSpec();
          p.setName(name);
          p.setCommand(cmd == null ? null : new ArrayList<>(cmd));
          p.setEnv(new ArrayList<>(env));
          p.setPorts(new ArrayList<>(ports));
          p.setImage(image);
          p.setWorkingDir(wd);
          return p;
        }).injectNull(0.02);
  }

  Arbitrary<ProbeSpec> probe() {
    Arbitrary<Object> action = Arbitraries.oneOf(
        Combinators.combine(ports(), hostileStrings(), hostileStrings().injectNull(0.6),
            Arbitraries.of(HttpGetAction.Scheme.class),
            Combinators.combine(hostileStrings(), hostileStrings()).as(HttpHeader::new).list().ofMaxSize(2))
            .as((port, path, sock, scheme, headers) -> {
              HttpGetAction h = new HttpGetAction();
              h.setPort(port);
              h.setPath(path);
              h.setUnixSocket(sock);
              h.setScheme(scheme);
              h.setHttpHeaders(new ArrayList<>(headers));
              return (Object) h;
            }),
        Combinators.combine(ports(), hostileStrings().injectNull(0.5)).as((port, sock) -> {
          TcpSocketAction t = new TcpSocketAction();
          t.setPort(port);
          t.setUnixSocket(sock);
          return (Object) t;
        }),
        Combinators.combine(ports(), hostileStrings().injectNull(0.4), hostileStrings().injectNull(0.5),
            ints().list().ofMaxSize(3)).as((port, sock, method, codes) -> {
              OpenRpcAction o = new OpenRpcAction();
              o.setPort(port);
              o.setUnixSocket(sock);
              o.setMethod(method);
              o.setAcceptErrorCodes(new ArrayList<>(codes));
              return (Object) o;
            }),
        hostileStrings().list().ofMaxSize(3).map(cmd -> {
          ExecAction x = new ExecAction();
          x.setCommand(new ArrayList<>(cmd));
          return (Object) x;
        }),
        Arbitraries.just(null));
    Arbitrary<ExpectSpec> expect = Combinators.combine(hostileStrings().list().ofMaxSize(3), hostileStrings(),
        ints()).as((codes, regex, max) -> {
          ExpectSpec e = new ExpectSpec();
          e.setStatusCodes(new ArrayList<>(codes));
          e.setBodyRegex(regex);
          e.setMaxBodyBytes(max);
          return e;
        }).injectNull(0.6);
    return Combinators.combine(hostileStrings(), hostileStrings().injectNull(0.5), action, expect,
        ints().list().ofSize(5), Arbitraries.of(true, false).injectNull(0.3))
        .as((name, process, act, exp, n, critical) -> {
          ProbeSpec p = new ProbeSpec();
          p.setName(name);
          p.setProcess(process);
          if (act instanceof HttpGetAction h) {
            p.setHttpGet(h);
          } else if (act instanceof TcpSocketAction t) {
            p.setTcpSocket(t);
          } else if (act instanceof OpenRpcAction o) {
            p.setOpenRpc(o);
          } else if (act instanceof ExecAction x) {
            p.setExec(x);
          }
          p.setExpect(exp);
          p.setInitialDelaySeconds(n.get(0));
          p.setPeriodSeconds(n.get(1));
          p.setTimeoutSeconds(n.get(2));
          p.setFailureThreshold(n.get(3));
          p.setSuccessThreshold(n.get(4));
          p.setCritical(critical);
          return p;
        }).injectNull(0.02);
  }

  Arbitrary<RecoverySpec> recovery() {
    return ints().list().ofSize(4).map(n -> {
      RecoverySpec r = new RecoverySpec();
      BackoffSpec b = new BackoffSpec();
      b.setInitialSeconds(n.get(0));
      b.setMaxSeconds(n.get(1));
      r.setBackoff(b);
      RestartLimitSpec l = new RestartLimitSpec();
      l.setMaxRestarts(n.get(2));
      l.setWindowSeconds(n.get(3));
      r.setRestartLimit(l);
      return r;
    }).injectNull(0.3);
  }

  @Provide
  Arbitrary<RuntimeObservation> observations() {
    Arbitrary<ProcessObservation> one = Combinators.combine(hostileStrings(), Arbitraries.of(ProcessObservation.Phase.class),
        Arbitraries.longs().between(1, 4_000_000).injectNull(0.3), Arbitraries.integers().between(0, 1000),
        Arbitraries.of(true, false)).as((name, phase, pid, restarts, adopted) -> new ProcessObservation(name, phase, pid,
            null, null, Instant.parse("2026-12-02T05:00:00Z"), pid == null ? null : pid + "/1", restarts,
            new ProcessObservation.Exit(137, "SIGKILL", Instant.parse("2026-12-02T05:30:00Z"), "killed by SIGKILL"),
            adopted));
    return one.list().ofMaxSize(5).map(RuntimeObservation::ofProcesses);
  }

  @Provide
  Arbitrary<Map<ProbeKey, ProbeState>> probeStates() {
    return Combinators.combine(hostileStrings(), Arbitraries.of(ProbeResult.class), Arbitraries.integers().between(0, 1_000_000),
        hostileStrings().injectNull(0.5)).as((key, result, failures, error) -> new ProbeState(ProbeKey.parse(key), result,
            failures, error, Instant.parse("2026-12-02T05:59:00Z"), 3)).list().ofMaxSize(4).map(list -> {
              Map<ProbeKey, ProbeState> m = new HashMap<>();
              list.forEach(p -> m.put(p.key(), p));
              return m;
            });
  }

  @Provide
  Arbitrary<ObjectNode> rawSpecs() {
    Arbitrary<Object> scalar = Arbitraries.oneOf(
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(4294967296L, 2147483648L, -2147483649L, Long.MAX_VALUE).map(l -> (Object) l),
        Arbitraries.integers().between(-5, 70_000).map(i -> (Object) i),
        hostileStrings().map(s -> (Object) s),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.doubles().map(d -> (Object) d));
    List<String> intFields = List.of("timeoutSeconds", "periodSeconds", "failureThreshold", "successThreshold",
        "initialDelaySeconds");
    return Combinators.combine(scalar, Arbitraries.of(intFields), scalar, Arbitraries.of("port", "unixSocket"),
        Arbitraries.of("Process", "Pod", "Track", "Bogus"), scalar).as((grace, field, value, target, runtime, port) -> {
          ObjectNode spec = JsonNodeFactory.instance.objectNode();
          spec.put("runtime", runtime);
          spec.putPOJO("stopGracePeriodSeconds", grace);
          ObjectNode process = spec.putArray("processes").addObject();
          process.put("name", "server");
          process.putArray("command").add("server");
          ObjectNode probe = spec.putArray("probes").addObject();
          probe.put("name", "rpc");
          probe.putPOJO(field, value);
          probe.putObject("tcpSocket").putPOJO(target, port);
          return JsonNodeFactory.instance.objectNode().setAll(spec);
        });
  }

}
