package tf.ourworld.hero.procservice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything the operator is configured with, read once from flags and environment into an
 * immutable snapshot (docs/operator.md lists each key, its default and meaning).
 *
 * @param namespaces namespaces to watch; empty means all
 * @param labelSelector only ProcServices matching this label selector (sharding), or null
 * @param processRuntimeEnabled whether runtime Process may run local processes
 * @param allowExec executables (absolute paths or globs) that Process commands and exec probes may run
 * @param stateDir root of the Process runtime's per-service runtime dirs and bookkeeping
 * @param socketRoots absolute directories under which absolute unixSocket paths are allowed
 * @param httpPort port of /healthz, /readyz and /metrics; 0 picks a free one, -1 turns it off
 * @param leaderElection whether to elect a leader on a Lease before reconciling
 * @param leaseName name of the Lease
 * @param leaseNamespace namespace of the Lease (null: the operator's own)
 * @param probeConcurrency probes that may run at the same time
 * @param reconcileThreads JOSDK reconcile threads
 * @param logFormat json or text
 * @param stableResetAfter how long a process must stay up before its backoff resets
 * @param allowEnv environment variable names or globs a process may set although the default env policy refuses them
 * @param agentImage image of the probe agent sidecar (the operator's own), or null: found from the operator's own pod
 */
public record OperatorConfig(
    Set<String> namespaces,
    String labelSelector,
    boolean processRuntimeEnabled,
    List<String> allowExec,
    Path stateDir,
    List<Path> socketRoots,
    int httpPort,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int probeConcurrency,
    int reconcileThreads,
    String logFormat,
    Duration stableResetAfter,
    List<String> allowEnv,
    String agentImage) {

  public OperatorConfig {
    allowEnv = allowEnv == null ? List.of() : List.copyOf(allowEnv);
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    allowExec = allowExec == null ? List.of() : List.copyOf(allowExec);
    socketRoots = socketRoots == null ? List.of() : List.copyOf(socketRoots);
  }

  /** The defaults, here only: the CLI options and docs/operator.md take them from here. */
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final String DEFAULT_LEASE_NAME = "procservice-operator-lock";
  public static final int DEFAULT_PROBE_CONCURRENCY = 64;
  /**
   * A status write holds its reconcile thread for the request's round trip: with 4, a cold start
   * over 10,000 fresh services on a real API server wrote ~100 statuses/s, with 16 115–130/s
   * (docs/benchmarks.md, goal 5). A fixed number, whatever the number of services.
   */
  public static final int DEFAULT_RECONCILE_THREADS = 16;
  public static final String DEFAULT_LOG_FORMAT = "json";
  /** How long without a needed restart resets the backoff to its initial delay. */
  public static final Duration DEFAULT_STABLE_RESET_AFTER = Duration.ofMinutes(10);

  /** Without an env allow-list. */
  public OperatorConfig(Set<String> namespaces, String labelSelector, boolean processRuntimeEnabled,
      List<String> allowExec, Path stateDir, List<Path> socketRoots, int httpPort, boolean leaderElection,
      String leaseName, String leaseNamespace, int probeConcurrency, int reconcileThreads, String logFormat,
      Duration stableResetAfter) {
    this(namespaces, labelSelector, processRuntimeEnabled, allowExec, stateDir, socketRoots, httpPort, leaderElection,
        leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat, stableResetAfter, List.of(), null);
  }

  /** The same with this probe agent image (blank: none given). */
  public OperatorConfig withAgentImage(String image) {
    return new OperatorConfig(namespaces, labelSelector, processRuntimeEnabled, allowExec, stateDir, socketRoots,
        httpPort, leaderElection, leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat,
        stableResetAfter, allowEnv, image == null || image.isBlank() ? null : image.trim());
  }

  /** The same with these --allow-env patterns. */
  public OperatorConfig withAllowEnv(List<String> patterns) {
    return new OperatorConfig(namespaces, labelSelector, processRuntimeEnabled, allowExec, stateDir, socketRoots,
        httpPort, leaderElection, leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat,
        stableResetAfter, patterns, agentImage);
  }

  /** Defaults, as documented. */
  public static OperatorConfig defaults() {
    return new OperatorConfig(Set.of(), null, false, List.of(),
        Path.of(System.getProperty("user.home"), ".local", "state", "procservice"), List.of(), DEFAULT_HTTP_PORT,
        false, DEFAULT_LEASE_NAME, null, DEFAULT_PROBE_CONCURRENCY, DEFAULT_RECONCILE_THREADS, DEFAULT_LOG_FORMAT,
        DEFAULT_STABLE_RESET_AFTER);
  }

  public OperatorConfig withProcessRuntime(boolean enabled, List<String> allow) {
    return new OperatorConfig(namespaces, labelSelector, enabled, allow, stateDir, socketRoots, httpPort,
        leaderElection, leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat, stableResetAfter, allowEnv, agentImage);
  }

  public OperatorConfig withStateDir(Path dir) {
    return new OperatorConfig(namespaces, labelSelector, processRuntimeEnabled, allowExec, dir, socketRoots, httpPort,
        leaderElection, leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat, stableResetAfter, allowEnv, agentImage);
  }

  public OperatorConfig withLeaderElection(String name, String namespace) {
    return new OperatorConfig(namespaces, labelSelector, processRuntimeEnabled, allowExec, stateDir, socketRoots, httpPort,
        true, name, namespace, probeConcurrency, reconcileThreads, logFormat, stableResetAfter, allowEnv, agentImage);
  }

  public OperatorConfig withHttpPort(int port) {
    return new OperatorConfig(namespaces, labelSelector, processRuntimeEnabled, allowExec, stateDir, socketRoots, port,
        leaderElection, leaseName, leaseNamespace, probeConcurrency, reconcileThreads, logFormat, stableResetAfter, allowEnv, agentImage);
  }
}
