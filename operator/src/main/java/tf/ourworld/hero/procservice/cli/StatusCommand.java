package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * {@code procservice status NAME}: asks the operator to run every probe now (the probe-now
 * annotation), waits until status shows that run's results, and prints them.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Run the service's probes now and show the answer: the service, each process, each probe, and"
        + " the last Events.",
        "Exit code: 0 Running, 1 Degraded, 2 Failed, 3 Stopped or Starting, 4 not found or no answer in time."})
public class StatusCommand extends ClientCommand {
  @Parameters(paramLabel = "NAME", description = "The ProcService.")
  String name;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long to wait for the operator's answer (30s, 2m; default: 30s).")
  String timeout;

  @Option(names = "--no-probe", description = "Show the status as it is, without running the probes.")
  boolean noProbe;

  @Override
  int run(KubernetesClient client) {
    ProcService ps = require(client, name);
    String ran = null;
    if (!noProbe) {
      String token = Tokens.next();
      annotate(client, name, ProcService.ANNOTATION_PROBE_NOW, token);
      ps = await(client, name, timeout, p -> p.getStatus() != null && p.getStatus().getHandled() != null
          && token.equals(p.getStatus().getHandled().getProbeNowDone()),
          "the operator did not run the probes");
      ran = "now, on request (" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ")";
    }
    ServiceReport.print(out(), client, ps, terminal(), ran);
    return exitCode(ps);
  }

  /** Waits (bounded) until the service matches; a one-line error with exit code 4 when it does not in time. */
  static ProcService await(KubernetesClient client, String name, String timeout, Predicate<ProcService> done,
      String what) {
    long seconds = Tokens.seconds(timeout);
    try {
      return service(client, name).waitUntilCondition(p -> p != null && done.test(p), seconds, TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      throw new CliException(what + " within " + timeout + ": is it running and watching namespace "
          + namespace(client) + "? (procservice list shows what it last wrote; --timeout waits longer)");
    }
  }
}
