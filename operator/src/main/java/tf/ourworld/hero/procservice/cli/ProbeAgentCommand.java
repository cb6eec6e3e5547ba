package tf.ourworld.hero.procservice.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tf.ourworld.hero.procservice.agent.AgentArgs;
import tf.ourworld.hero.procservice.agent.ProbeAgent;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.AgentProtocol;

/** The probe agent of a Pod-runtime service's pod (its native sidecar runs this; docs/probes.md). */
@Command(name = AgentArgs.COMMAND, mixinStandardHelpOptions = true,
    description = "Run the probe agent of a pod: probes its unix sockets on the operator's request.")
public class ProbeAgentCommand implements Callable<Integer> {
  @Option(names = AgentArgs.PROBES, required = true, paramLabel = "JSON",
      description = "The probes to run: a JSON list of probe specs (the pod template hands them over).")
  String probes;

  @Option(names = AgentArgs.TOKEN_FILE, required = true, paramLabel = "FILE",
      description = "File with the pod's token; every request must carry it (Authorization: Bearer).")
  Path tokenFile;

  @Option(names = AgentArgs.RUNTIME_DIR, defaultValue = "/run/procservice", paramLabel = "DIR",
      description = "The pod's runtime dir: sockets resolve in it and nothing outside it is probed (default ${DEFAULT-VALUE}).")
  Path runtimeDir;

  @Option(names = AgentArgs.PORT, defaultValue = "" + AgentProtocol.PORT,
      description = "Port to listen on (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = AgentArgs.BIND, defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String bind;

  @Override
  public Integer call() throws Exception {
    Logging.apply("text");
    List<ProbeSpec> specs;
    try {
      specs = new ObjectMapper().readValue(probes, new TypeReference<List<ProbeSpec>>() { });
    } catch (Exception e) {
      throw new CliException(AgentArgs.PROBES + ": not a JSON list of probes: " + e.getMessage(), 2);
    }
    ProbeAgent agent;
    try {
      agent = new ProbeAgent(specs, runtimeDir.toAbsolutePath().normalize(), tokenFile, new InetSocketAddress(bind, port));
    } catch (IllegalArgumentException e) {
      throw new CliException(AgentArgs.PROBES + ": " + e.getMessage(), 2);
    }
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : List.of("INT", "TERM")) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop.countDown());
    }
    stop.await();
    agent.close();
    return 0;
  }
}
