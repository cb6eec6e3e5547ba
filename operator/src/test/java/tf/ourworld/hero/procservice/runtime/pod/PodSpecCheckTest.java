package tf.ourworld.hero.procservice.runtime.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.runtime.pod.Services.http;
import static tf.ourworld.hero.procservice.runtime.pod.Services.pod;
import static tf.ourworld.hero.procservice.runtime.pod.Services.process;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.TcpSocketAction;
import tf.ourworld.hero.procservice.validation.SpecProblem;

class PodSpecCheckTest {

  private static ProcService service(ProbeSpec... probes) {
    ProcService s = pod("ns", "svc", process("server", "img", new PortSpec("rpc", 8080)),
        process("ui", "img", new PortSpec("web", 3000)));
    s.getSpec().getProbes().addAll(List.of(probes));
    return s;
  }

  private static List<String> messages(ProcService s) {
    return PodSpecCheck.check(s).stream().map(SpecProblem::message).toList();
  }

  @Test
  void portProbesAreFine() {
    assertThat(PodSpecCheck.check(service(http("rpc", "server", new IntOrString("rpc"), "/health"),
        http("web", null, new IntOrString("web"), "/"), http("n", null, new IntOrString(9000), "/"))))
        .isEmpty();
  }

  private static final String NO_AGENT = "unix sockets in pods are probed by the probe agent, and this operator has"
      + " no agent image: start it with --agent-image (or in its own pod, whose image it then uses), or probe a port";

  @Test
  void unixSocketProbeWithoutAnAgentImageIsRefusedNamingTheFieldAndWhatToDo() {
    ProbeSpec probe = http("rpc", "server", null, "/health");
    probe.getHttpGet().setUnixSocket("rpc.sock");

    List<SpecProblem> problems = PodSpecCheck.check(service(probe), false);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.reason()).isEqualTo(Reason.InvalidSpec);
      assertThat(p.message()).isEqualTo("spec.probes[0].httpGet.unixSocket: " + NO_AGENT);
    });
  }

  @Test
  void unixSocketsOfEveryKindGoThroughTheAgentWhenThereIsOne() {
    ProbeSpec tcp = new ProbeSpec();
    tcp.setName("tcp");
    tcp.setTcpSocket(new TcpSocketAction());
    tcp.getTcpSocket().setUnixSocket("/run/procservice/ui.sock");
    ProbeSpec rpc = new ProbeSpec();
    rpc.setName("rpc");
    rpc.setOpenRpc(new OpenRpcAction());
    rpc.getOpenRpc().setUnixSocket("rpc.sock");
    ProbeSpec http = http("ui", "ui", null, "/health");
    http.getHttpGet().setUnixSocket("sub/ui.sock");

    assertThat(PodSpecCheck.check(service(tcp, rpc, http), true)).isEmpty();
    assertThat(messages(service(tcp, rpc))).containsExactly(
        "spec.probes[0].tcpSocket.unixSocket: " + NO_AGENT, "spec.probes[1].openRpc.unixSocket: " + NO_AGENT);
  }

  @Test
  void theAgentProbesOnlySocketsInThePodsRuntimeDir() {
    ProbeSpec outside = http("a", "server", null, "/");
    outside.getHttpGet().setUnixSocket("/var/run/docker.sock");
    ProbeSpec up = http("b", "server", null, "/");
    up.getHttpGet().setUnixSocket("../etc/x.sock");
    ProbeSpec dir = http("c", "server", null, "/");
    dir.getHttpGet().setUnixSocket("/run/procservice");

    assertThat(PodSpecCheck.check(service(outside, up, dir), true).stream().map(SpecProblem::message)).containsExactly(
        "spec.probes[0].httpGet.unixSocket: must be in the pod's runtime dir /run/procservice (a relative path is"
            + " taken from there)",
        "spec.probes[1].httpGet.unixSocket: must not contain '..'",
        "spec.probes[2].httpGet.unixSocket: must be in the pod's runtime dir /run/procservice (a relative path is"
            + " taken from there)");
  }

  @Test
  void execProbeIsRefused() {
    ProbeSpec exec = new ProbeSpec();
    exec.setName("x");
    exec.setExec(new ExecAction());
    exec.getExec().setCommand(List.of("/bin/true"));
    assertThat(messages(service(exec))).singleElement().asString()
        .startsWith("spec.probes[0].exec: exec probes cannot run for runtime Pod");
  }

  @Test
  void unknownOrAmbiguousNamedPortsAreRefused() {
    ProcService s = service(http("a", "server", new IntOrString("web"), "/"), http("b", null, new IntOrString("nope"), "/"));
    s.getSpec().getProcesses().get(0).getPorts().add(new PortSpec("both", 1));
    s.getSpec().getProcesses().get(1).getPorts().add(new PortSpec("both", 2));
    s.getSpec().getProbes().add(http("c", null, new IntOrString("both"), "/"));

    assertThat(messages(s)).containsExactly(
        "spec.probes[0].httpGet.port: no port named 'web' in process 'server'",
        "spec.probes[1].httpGet.port: no process has a port named 'nope'",
        "spec.probes[2].httpGet.port: several processes have a port named 'both' with different numbers;"
            + " set the probe's process");
  }

  @Test
  void missingPortImageAndLongNameAreRefused() {
    ProcService s = service(http("a", "server", null, "/"));
    s.getSpec().getProcesses().get(1).setImage(" ");
    s.getMetadata().setName("x".repeat(64));

    assertThat(messages(s)).containsExactly(
        "metadata.name: must be at most 63 characters for runtime Pod: it is the value of the pod label"
            + " hero.ourworld.tf/procservice",
        "spec.processes[1].image: required for runtime Pod",
        "spec.probes[0].httpGet.port: required: a port number or the name of a port");
  }
}
