package tf.ourworld.hero.procservice.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import tf.ourworld.hero.procservice.config.OperatorConfig;

/**
 * The operator's flags, each with an environment variable of the same meaning (flags win), read
 * into one immutable {@link OperatorConfig}. docs/operator.md lists them.
 */
public class OperatorOptions {
  @Option(names = "--namespaces", split = ",", paramLabel = "NS",
      defaultValue = "${env:PROCSERVICE_NAMESPACES}",
      description = "Namespaces to watch, comma-separated; empty watches all (env PROCSERVICE_NAMESPACES).")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--selector", paramLabel = "LABELS", defaultValue = "${env:PROCSERVICE_SELECTOR}",
      description = "Only reconcile ProcServices matching this label selector, e.g. hero.ourworld.tf/host=h1"
          + " (shards work across operator instances; env PROCSERVICE_SELECTOR).")
  String selector;

  @Option(names = "--process-runtime", defaultValue = "${env:PROCSERVICE_PROCESS_RUNTIME:-false}",
      description = "Enable runtime Process: run local processes on this host (env PROCSERVICE_PROCESS_RUNTIME).")
  boolean processRuntime;

  @Option(names = "--allow-exec", paramLabel = "PATTERN",
      description = "Executable that Process commands and exec probes may run: an absolute path or glob;"
          + " repeatable (env PROCSERVICE_ALLOW_EXEC, colon-separated).")
  List<String> allowExec = new ArrayList<>();

  @Option(names = "--allow-env", paramLabel = "NAME|GLOB",
      description = "Let processes set this environment variable although the default env policy refuses it"
          + " (LD_*, PYTHONPATH, NODE_OPTIONS, ...: docs/security.md); repeatable (env PROCSERVICE_ALLOW_ENV,"
          + " comma-separated).")
  List<String> allowEnv = new ArrayList<>();

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:PROCSERVICE_STATE_DIR}",
      description = "Root of runtime dirs and process bookkeeping (default ~/.local/state/procservice; env PROCSERVICE_STATE_DIR).")
  Path stateDir;

  @Option(names = "--socket-root", paramLabel = "DIR",
      description = "Directory under which absolute unixSocket paths may be probed; repeatable.")
  List<Path> socketRoots = new ArrayList<>();

  @Option(names = "--http-port", defaultValue = "${env:PROCSERVICE_HTTP_PORT:-" + OperatorConfig.DEFAULT_HTTP_PORT + "}",
      description = "Port of /healthz, /readyz and /metrics; 0 picks a free one, -1 turns it off (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--leader-election", defaultValue = "${env:PROCSERVICE_LEADER_ELECTION:-false}",
      description = "Elect a leader on a Lease before reconciling (for more than one replica).")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = OperatorConfig.DEFAULT_LEASE_NAME, description = "Name of the Lease (default ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE}",
      description = "Namespace of the Lease (default: the operator's own, env POD_NAMESPACE).")
  String leaseNamespace;

  @Option(names = "--probe-concurrency", defaultValue = "" + OperatorConfig.DEFAULT_PROBE_CONCURRENCY, description = "Probes run at the same time at most (default ${DEFAULT-VALUE}).")
  int probeConcurrency;

  @Option(names = "--reconcile-threads", defaultValue = "" + OperatorConfig.DEFAULT_RECONCILE_THREADS, description = "Reconcile threads (default ${DEFAULT-VALUE}).")
  int reconcileThreads;

  @Option(names = "--log-format", paramLabel = "json|text", defaultValue = "${env:PROCSERVICE_LOG_FORMAT}",
      description = "Log format: json (default for run) or text (default for local).")
  String logFormat;

  @Option(names = "--agent-image", paramLabel = "IMAGE", defaultValue = "${env:PROCSERVICE_AGENT_IMAGE}",
      description = "Image of the probe agent sidecar that probes unix sockets in Pod-runtime pods (default: the"
          + " operator's own pod's image, found from POD_NAME and POD_NAMESPACE; env PROCSERVICE_AGENT_IMAGE).")
  String agentImage;

  /** The configuration these flags describe. */
  public OperatorConfig toConfig(String defaultLogFormat) {
    OperatorConfig d = OperatorConfig.defaults();
    Set<String> ns = new LinkedHashSet<>();
    namespaces.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(ns::add);
    List<String> allow = new ArrayList<>(allowExec);
    String envAllow = System.getenv("PROCSERVICE_ALLOW_EXEC");
    if (envAllow != null && !envAllow.isBlank()) {
      for (String p : envAllow.split(":")) {
        if (!p.isBlank()) {
          allow.add(p.trim());
        }
      }
    }
    List<String> env = new ArrayList<>(allowEnv);
    String envAllowEnv = System.getenv("PROCSERVICE_ALLOW_ENV");
    if (envAllowEnv != null && !envAllowEnv.isBlank()) {
      for (String p : envAllowEnv.split(",")) {
        if (!p.isBlank()) {
          env.add(p.trim());
        }
      }
    }
    return new OperatorConfig(ns, blankToNull(selector), processRuntime, allow,
        stateDir != null ? stateDir : d.stateDir(), socketRoots, httpPort, leaderElection, leaseName,
        blankToNull(leaseNamespace), probeConcurrency, reconcileThreads,
        logFormat != null && !logFormat.isBlank() ? logFormat : defaultLogFormat, d.stableResetAfter(), env,
        blankToNull(agentImage));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
