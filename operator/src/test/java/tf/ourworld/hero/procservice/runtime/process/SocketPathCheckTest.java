package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.OpenRpcAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.validation.SpecProblem;

class SocketPathCheckTest {
  @TempDir
  Path dir;

  static ProcServiceSpec spec(String rpcSocket, String uiSocket) {
    ProcServiceSpec s = new ProcServiceSpec();
    ProbeSpec rpc = new ProbeSpec();
    rpc.setName("rpc");
    OpenRpcAction o = new OpenRpcAction();
    o.setUnixSocket(rpcSocket);
    rpc.setOpenRpc(o);
    ProbeSpec ui = new ProbeSpec();
    ui.setName("ui");
    HttpGetAction h = new HttpGetAction();
    h.setUnixSocket(uiSocket);
    ui.setHttpGet(h);
    s.setProbes(List.of(rpc, ui));
    return s;
  }

  @Test
  void relativeSocketsInsideTheRuntimeDirPass() {
    assertThat(SocketPathCheck.check(spec("rpc.sock", "sub/ui.sock"), dir, List.of())).isEmpty();
  }

  @Test
  void escapesAreInvalidSpecNamingTheField() throws Exception {
    Path outside = Files.createTempDirectory("outside");
    Files.createSymbolicLink(dir.resolve("link"), outside);
    List<SpecProblem> problems = SocketPathCheck.check(spec("../rpc.sock", "link/ui.sock"), dir, List.of());
    assertThat(problems).extracting(SpecProblem::reason).containsOnly(Reason.InvalidSpec);
    assertThat(problems).extracting(SpecProblem::message)
        .anySatisfy(m -> assertThat(m).startsWith("spec.probes[0].openRpc.unixSocket: "))
        .anySatisfy(m -> assertThat(m).startsWith("spec.probes[1].httpGet.unixSocket: "));
  }

  @Test
  void absolutePathsOnlyUnderAllowedRoots() throws Exception {
    Path root = Files.createTempDirectory("sockroot");
    assertThat(SocketPathCheck.check(spec(root.resolve("rpc.sock").toString(), "ui.sock"), dir, List.of(root))).isEmpty();
    assertThat(SocketPathCheck.check(spec("/run/other/rpc.sock", "ui.sock"), dir, List.of(root))).hasSize(1);
  }
}
