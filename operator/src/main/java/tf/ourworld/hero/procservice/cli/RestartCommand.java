package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ServiceState;

/** {@code procservice restart NAME [PROCESS…]}: a manual restart the operator does at once, outside backoff. */
@Command(name = "restart", mixinStandardHelpOptions = true,
    description = {"Restart the service's processes (all, or those named) now, outside backoff, as kubectl rollout"
        + " restart does (the hero.ourworld.tf/restart annotation); counted in RESTARTS and evented.",
        "Waits until they run again and prints the status. Exit code as for status."})
public class RestartCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The ProcService.")
  String name;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "PROCESS", description = "Processes to restart (default: all).")
  List<String> processes = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "How long to wait for the processes to run again (default: 60s).")
  String timeout;

  @Override
  int run(KubernetesClient client) {
    ProcService ps = require(client, name);
    if (ps.getStatus() != null && ps.getStatus().getState() == ServiceState.Failed
        && Reason.of(ps.getStatus().getReason()) == Reason.RestartLimitExceeded) {
      throw new CliException(name + " is Failed (RestartLimitExceeded): the operator stopped restarting it;"
          + " fix the cause, then run procservice reset " + name, EXIT_FAILED);
    }
    List<String> declared = new ArrayList<>();
    if (ps.getSpec() != null && ps.getSpec().getProcesses() != null) {
      ps.getSpec().getProcesses().stream().map(ProcessSpec::getName).forEach(declared::add);
    }
    for (String p : processes) {
      if (!declared.contains(p)) {
        throw new CliException(name + " has no process " + p + " (it has: "
            + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")", EXIT_USAGE);
      }
    }
    Map<String, String> before = incarnations(ps);
    String token = Tokens.next() + (processes.isEmpty() ? "" : ";" + String.join(",", processes));
    annotate(client, name, ProcService.ANNOTATION_RESTART, token);
    out().println("Restarting " + (processes.isEmpty() ? "every process" : String.join(", ", processes)) + " of "
        + name + " ...");
    out().flush();
    ProcService after = StatusCommand.await(client, name, timeout, p -> restarted(p, token, before), 
        "the processes did not run again");
    ServiceReport.print(out(), client, after, terminal(), null);
    return exitCode(after);
  }

  /** Done: the operator took the request, and each targeted process that ran before runs with a new pid or pod. */
  private boolean restarted(ProcService p, String token, Map<String, String> before) {
    if (p.getStatus() == null || p.getStatus().getHandled() == null
        || !token.equals(p.getStatus().getHandled().getRestart())) {
      return false;
    }
    if (p.getStatus().getState() == ServiceState.Failed) {
      return true; // nothing more will happen without a change
    }
    Map<String, String> now = incarnations(p);
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!processes.isEmpty() && !processes.contains(e.getKey())) {
        continue;
      }
      String current = now.get(e.getKey());
      if (current == null || Objects.equals(current, e.getValue())) {
        return false;
      }
    }
    return p.getStatus().getState() != ServiceState.Starting && !reconciling(p);
  }

  /** Each running process's pid (or pod) and start time. */
  private static Map<String, String> incarnations(ProcService p) {
    Map<String, String> out = new HashMap<>();
    if (p.getStatus() == null || p.getStatus().getProcesses() == null) {
      return out;
    }
    for (ProcessStatus s : p.getStatus().getProcesses()) {
      if ("Running".equals(s.getState()) && (s.getPid() != null || s.getPod() != null)) {
        out.put(s.getName(), s.getPid() + "/" + s.getPod() + "/" + s.getStartTime());
      }
    }
    return out;
  }
}
