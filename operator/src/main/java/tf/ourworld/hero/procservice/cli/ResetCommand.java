package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ServiceState;

/** {@code procservice reset NAME}: leaves Failed (RestartLimitExceeded) and clears the restart window. */
@Command(name = "reset", mixinStandardHelpOptions = true,
    description = {"Leave Failed after the restart limit was reached (the hero.ourworld.tf/reset-failed annotation):"
        + " the restart window is cleared and the operator starts restarting again.",
        "Waits for the result and prints the status. Exit code as for status."})
public class ResetCommand extends ClientCommand {
  @Parameters(paramLabel = "NAME", description = "The ProcService.")
  String name;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "How long to wait for the result (default: 60s).")
  String timeout;

  @Override
  int run(KubernetesClient client) {
    ProcService ps = require(client, name);
    if (ps.getStatus() == null || ps.getStatus().getState() != ServiceState.Failed
        || Reason.of(ps.getStatus().getReason()) != Reason.RestartLimitExceeded) {
      out().println(name + " is not Failed after its restart limit: reset clears the restart window anyway.");
    }
    String token = Tokens.next();
    annotate(client, name, ProcService.ANNOTATION_RESET_FAILED, token);
    boolean[] left = new boolean[1];
    ProcService after = StatusCommand.await(client, name, timeout, p -> settled(p, token, left),
        "the service did not leave Failed");
    ServiceReport.print(out(), client, after, terminal(), null);
    return exitCode(after);
  }

  /**
   * Done once the operator took the reset and the service settled (not Starting, no restart or
   * stop in progress), or is Failed again after it had left Failed.
   */
  private static boolean settled(ProcService p, String token, boolean[] left) {
    ProcServiceStatus s = p.getStatus();
    if (s == null || s.getHandled() == null || !token.equals(s.getHandled().getResetFailed())) {
      return false;
    }
    if (s.getState() == null) {
      return false;
    }
    boolean failedAtLimit = s.getState() == ServiceState.Failed
        && Reason.of(s.getReason()) == Reason.RestartLimitExceeded;
    if (!failedAtLimit) {
      left[0] = true;
    }
    if (failedAtLimit) {
      return left[0];
    }
    return s.getState() != ServiceState.Starting && !reconciling(p);
  }
}
