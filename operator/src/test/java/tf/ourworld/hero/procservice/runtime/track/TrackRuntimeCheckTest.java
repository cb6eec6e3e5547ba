package tf.ourworld.hero.procservice.runtime.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecProblem;
import tf.ourworld.hero.procservice.runtime.pod.Services;

class TrackRuntimeCheckTest {

  // check() never touches the API: no client needed.
  private final TrackRuntime runtime = new TrackRuntime(null, OperatorConfig.defaults());

  static ProcService track(LabelSelector selector, ProbeSpec... probes) {
    ProcService s = new ProcService();
    s.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("web").build());
    s.getSpec().setRuntime(RuntimeKind.Track);
    s.getSpec().setSelector(selector);
    s.getSpec().getProbes().addAll(List.of(probes));
    return s;
  }

  private List<String> messages(ProcService s) {
    return runtime.check(s).stream().map(SpecProblem::message).toList();
  }

  @Test
  void selectorWithPortProbeIsFine() {
    assertThat(runtime.check(track(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(),
        Services.http("http", null, new IntOrString("http"), "/")))).isEmpty();
  }

  @Test
  void missingOrEmptySelectorIsRefused() {
    assertThat(messages(track(null))).containsExactly("spec.selector: required for runtime Track");
    assertThat(messages(track(new LabelSelector()))).containsExactly(
        "spec.selector: must not be empty for runtime Track: it would select every pod in the namespace");
  }

  @Test
  void unixSocketAndExecAreRefused() {
    ProbeSpec unix = Services.http("u", null, null, "/");
    unix.getHttpGet().setUnixSocket("app.sock");
    ProbeSpec exec = new ProbeSpec();
    exec.setName("e");
    exec.setExec(new ExecAction());
    exec.getExec().setCommand(List.of("/bin/true"));

    assertThat(messages(track(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), unix, exec)))
        .containsExactly(
            "spec.probes[0].httpGet.unixSocket: unix sockets cannot be probed for runtime Track: the socket is"
                + " inside a pod someone else made, unreachable from the operator; use a port",
            "spec.probes[1].exec: exec probes cannot run for runtime Track: the operator does not exec into pods;"
                + " use httpGet, tcpSocket or openRpc on a port");
  }

  @Test
  void processesAreRefused() {
    ProcService s = track(new LabelSelectorBuilder().addToMatchLabels("app", "web").build());
    s.getSpec().getProcesses().add(Services.process("p", "img"));
    assertThat(messages(s)).containsExactly(
        "spec.processes: must be empty for runtime Track: the pods are created by someone else");
  }
}
