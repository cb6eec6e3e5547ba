package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.model.ProcService;

/** {@code procservice describe NAME}: the status as it is, without running the probes. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = {"Show the service, each process, each probe and the last Events as the operator last wrote them"
        + " (status NAME runs the probes first).", "Exit code as for status."})
public class DescribeCommand extends ClientCommand {
  @Parameters(paramLabel = "NAME", description = "The ProcService.")
  String name;

  @Override
  int run(KubernetesClient client) {
    ProcService ps = require(client, name);
    ServiceReport.print(out(), client, ps, terminal(), null);
    return exitCode(ps);
  }
}
