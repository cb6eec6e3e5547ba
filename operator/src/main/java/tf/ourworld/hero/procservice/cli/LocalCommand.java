package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.runtime.DisabledRuntime;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.local.AllowList;
import tf.ourworld.hero.procservice.local.ChildProcesses;
import tf.ourworld.hero.procservice.local.EmbeddedApiServer;
import tf.ourworld.hero.procservice.local.Kubeconfig;
import tf.ourworld.hero.procservice.local.LocalSettings;
import tf.ourworld.hero.procservice.local.ManifestSet;
import tf.ourworld.hero.procservice.local.ObjectDatabase;
import tf.ourworld.hero.procservice.local.ServiceTable;
import tf.ourworld.hero.procservice.local.StateDirLock;
import tf.ourworld.hero.procservice.runtime.process.ProcessRuntime;

/**
 * {@code local}: the whole product on one machine without a cluster — an embedded Kubernetes API
 * on 127.0.0.1, a kubeconfig for kubectl, the manifests given, and the operator with the Process
 * runtime, until Ctrl-C / SIGTERM stops everything it started.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"Run an embedded Kubernetes API on 127.0.0.1 (its objects kept in the state dir), apply the"
        + " manifests given, and run the operator on it with the Process runtime. Use kubectl with the kubeconfig it"
        + " writes.",
        "Ctrl-C or SIGTERM stops every process it started and exits 0; SIGHUP re-reads the --config file."})
public class LocalCommand implements Callable<Integer> {
  static final String POD_UNAVAILABLE = "runtime Pod (the default when spec.runtime is not set) needs a cluster"
      + " (a kubelet runs the pods): `local` runs runtime Process and Track only; set spec.runtime: Process,"
      + " or run the operator against a cluster";

  /** Default of --max-stop-grace: the spec's own default stopGracePeriodSeconds. */
  static final int MAX_STOP_GRACE_SECONDS = 30;
  /** Default port of /metrics, /healthz and /readyz, on 127.0.0.1 only. */
  static final int DEFAULT_HTTP_PORT = EmbeddedApiServer.DEFAULT_PORT + 1;
  static final Path DEFAULT_STATE_DIR = Path.of(".procservice", "state");
  static final Path DEFAULT_KUBECONFIG = Path.of(".procservice", "kubeconfig");
  /** The embedded API's store in the state dir (a namespace is a DNS label: no dot, no clash). */
  static final String STORE_FILE = "api.db";
  static final String LOG_FILE = "operator.log";

  @Option(names = "--config", paramLabel = "FILE",
      description = "Host settings (YAML: allowExec, allowEnv, port, httpPort, stateDir, kubeconfig,"
          + " maxStopGraceSeconds, logFormat); flags win over it. SIGHUP re-reads allowExec and maxStopGraceSeconds.")
  Path config;

  @Option(names = "--port", paramLabel = "N",
      description = "Port of the embedded API on 127.0.0.1 (default: " + EmbeddedApiServer.DEFAULT_PORT
          + "; 0 picks a free one).")
  Integer port;

  @Option(names = "--http-port", paramLabel = "N",
      description = "Port of /metrics, /healthz and /readyz on 127.0.0.1 (default: " + DEFAULT_HTTP_PORT
          + "; 0 picks a free one; -1 turns them off).")
  Integer httpPort;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to write (default: .procservice/kubeconfig).")
  Path kubeconfig;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Runtime dirs of local processes, the API's objects (" + STORE_FILE + "), the log (" + LOG_FILE
          + ") and the lock (default: .procservice/state). One local per state dir.")
  Path stateDir;

  @Option(names = "--allow-exec", paramLabel = "PATTERN",
      description = "Also allow this executable (absolute path or glob) for processes and exec probes. Repeatable.")
  List<String> allowExec = new ArrayList<>();

  @Option(names = "--allow-env", paramLabel = "NAME|GLOB",
      description = "Let processes set this environment variable although the default env policy refuses it"
          + " (LD_*, PYTHONPATH, ...: docs/security.md). Repeatable.")
  List<String> allowEnv = new ArrayList<>();

  @Option(names = "--max-stop-grace", paramLabel = "SECONDS",
      description = "Longest wait between SIGTERM and SIGKILL when a process is stopped; each service's"
          + " stopGracePeriodSeconds applies up to this (default: " + MAX_STOP_GRACE_SECONDS + ").")
  Integer maxStopGrace;

  /**
   * Default of --probe-concurrency under local: one host's services, where the pool's threads (one
   * per concurrent probe, started as probes are scheduled) are most of the idle threads and memory;
   * `run` keeps {@link OperatorConfig#DEFAULT_PROBE_CONCURRENCY}.
   */
  static final int LOCAL_PROBE_CONCURRENCY = 8;
  /** One host's services against an API in the same JVM: writes are quick, and threads cost memory (goal 2's 150 MiB). */
  static final int LOCAL_RECONCILE_THREADS = 4;

  @Option(names = "--probe-concurrency", paramLabel = "N",
      description = "Probes run at the same time at most (default: " + LOCAL_PROBE_CONCURRENCY + ").")
  Integer probeConcurrency;

  @Option(names = "--ephemeral", description = "Keep the API's objects in memory only: gone when local stops.")
  boolean ephemeral;

  @Option(names = "--log-format", paramLabel = "text|json",
      description = "Log format (default: text; json gives the structured lines of `run`).")
  String logFormat;

  @Option(names = {"-v", "--verbose"}, description = "Log to the console too, instead of only to <state-dir>/" + LOG_FILE + ".")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Do not print the live table of services.")
  boolean quiet;

  @Parameters(paramLabel = "MANIFEST|DIR", arity = "0..*",
      description = "YAML files (multi-document) or directories of *.yaml/*.yml to apply at start (over what is stored).")
  List<Path> manifests = new ArrayList<>();

  /** UTF-8 whatever the locale: the table's glyphs (● ◐ ○ ✕). */
  PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
  PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
  /** Tests drive stopping and reloading through {@link #stop()} and {@link #reload()} instead of signals. */
  boolean handleSignals = true;

  private enum Request { STOP, RELOAD }

  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  /** The allow-list of the manifests and flags, to which the config file's is added at each (re)load. */
  private List<String> fixedAllow = List.of();
  private volatile ProcessRuntime processRuntime;
  private volatile KubernetesClient client;
  /** The running operator (tests look at it). */
  volatile OperatorApp operatorApp;

  /** Stops a running {@link #call()} as SIGTERM does. */
  void stop() {
    stopRequested.set(true);
    requests.add(Request.STOP);
  }

  /** Re-reads the --config file as SIGHUP does. */
  void reload() {
    requests.add(Request.RELOAD);
  }

  @Override
  public Integer call() throws Exception {
    LocalSettings settings;
    try {
      settings = config == null ? LocalSettings.none() : LocalSettings.read(config);
    } catch (IllegalArgumentException e) {
      Logging.apply(logFormat == null ? "text" : logFormat);
      err.println("error: --config " + e.getMessage());
      return 2;
    }
    String format = LocalSettings.pick(logFormat, settings.logFormat(), "text");
    Logging.apply(format); // before anything logs: text by default, local is for people at a terminal
    for (String pattern : allowExec) {
      if (!pattern.startsWith("/")) {
        err.println("error: --allow-exec " + pattern + ": a pattern must be an absolute path or glob");
        return 2;
      }
    }
    int apiPort = LocalSettings.pick(port, settings.port(), EmbeddedApiServer.DEFAULT_PORT);
    int metricsPort = LocalSettings.pick(httpPort, settings.httpPort(), DEFAULT_HTTP_PORT);
    Path state = LocalSettings.pick(stateDir, settings.stateDir(), DEFAULT_STATE_DIR).toAbsolutePath().normalize();
    Path kubeconfigFile = LocalSettings.pick(kubeconfig, settings.kubeconfig(), DEFAULT_KUBECONFIG);
    int[] grace = {LocalSettings.pick(maxStopGrace, settings.maxStopGraceSeconds(), MAX_STOP_GRACE_SECONDS)};

    ManifestSet set = ManifestSet.read(manifests);
    set.problems().forEach(p -> err.println("error: " + p.file() + ": " + p.message()));
    fixedAllow = AllowList.of(set.manifests(), allowExec, System.getenv("PATH"));
    List<String> allow = withFile(settings);

    // One instance per state dir, before anything is written: a second one changes nothing of the first's.
    StateDirLock lock;
    try {
      lock = StateDirLock.acquire(state);
    } catch (StateDirLock.HeldException e) {
      err.println("error: another procservice local already runs on state dir " + state + " (" + e.owner() + ").");
      err.println("  Use it (its kubeconfig is unchanged), stop it first, or start this one with its own"
          + " --state-dir DIR and --kubeconfig FILE (and --port 0 for a free port).");
      return 1;
    } catch (IOException e) {
      err.println("error: cannot lock state dir " + state + ": " + e.getMessage());
      return 1;
    }
    // ... and per kubeconfig: another state dir must not point the first one's kubectl elsewhere.
    StateDirLock kubeconfigLock;
    try {
      kubeconfigLock = StateDirLock.acquireKubeconfig(kubeconfigFile);
    } catch (StateDirLock.HeldException e) {
      err.println("error: another procservice local already writes kubeconfig " + e.guarded() + " (" + e.owner() + ").");
      err.println("  Use it, stop it first, or start this one with its own --kubeconfig FILE (and --state-dir DIR,"
          + " --port 0).");
      lock.close();
      return 1;
    } catch (IOException e) {
      err.println("error: cannot lock kubeconfig " + kubeconfigFile + ": " + e.getMessage());
      lock.close();
      return 1;
    }
    AutoCloseable logFile = verbose ? () -> { } : Logging.toFile(state.resolve(LOG_FILE), format);
    if (handleSignals) {
      installSignalHandlers();
    }

    ObjectDatabase database = null;
    EmbeddedApiServer api;
    try {
      if (!ephemeral) {
        database = ObjectDatabase.open(state.resolve(STORE_FILE));
      }
      api = EmbeddedApiServer.start(apiPort, database);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      closeQuietly(logFile, "log file");
      kubeconfigLock.close();
      lock.close();
      return 1;
    }
    lock.apiUrl(api.url());
    kubeconfigLock.apiUrl(api.url());
    AtomicBoolean closed = new AtomicBoolean();
    OperatorApp[] operator = new OperatorApp[1];
    ServiceTable[] table = new ServiceTable[1];
    KubernetesClient client = api.createClient();
    this.client = client;
    Runnable shutdown = () -> {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      closeQuietly(table[0], "table");
      int stopped = 0;
      if (operator[0] != null) {
        try {
          // Each process stopped on purpose and recorded so: the next start is a fresh start.
          stopped = operator[0].closeStoppingProcesses(Duration.ofSeconds(grace[0]));
        } catch (RuntimeException | LinkageError e) {
          LoggerFactory.getLogger(LocalCommand.class).atWarn().setCause(e).log("Error while stopping the operator");
        }
      }
      // Anything else this JVM started (a process's children left behind, exec probes): nothing may outlive us.
      stopped += ChildProcesses.stopAll(Duration.ofSeconds(grace[0]));
      if (stopped > 0) {
        err.println("stopped " + stopped + " process" + (stopped == 1 ? "" : "es"));
      }
      closeQuietly(client, "client");
      closeQuietly(api, "embedded API");
      closeQuietly(kubeconfigLock, "kubeconfig lock");
      closeQuietly(lock, "state dir lock");
      closeQuietly(logFile, "log file");
    };
    // Safety net when the JVM exits some other way (System.exit elsewhere, a second signal).
    Thread hook = new Thread(shutdown, "procservice-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Kubeconfig.write(kubeconfigFile, api.url());
      out.println("Embedded Kubernetes API on " + api.url() + (database != null
          ? " (objects kept in " + database.file() + ")" : " (--ephemeral: objects in memory, gone when this stops)"));
      out.println("Kubeconfig written; use kubectl with:");
      out.println("  export KUBECONFIG=" + kubeconfigFile.toAbsolutePath().normalize());
      out.println("Allowed executables: " + (allow.isEmpty() ? "(none)" : String.join(", ", allow)));
      out.flush();

      List<String> env = new ArrayList<>(allowEnv);
      settings.allowEnv().stream().filter(e -> !env.contains(e)).forEach(env::add);
      OperatorConfig operatorConfig = localConfig(allow, env, state, metricsPort, format);
      try {
        ProcessRuntime runtime = new ProcessRuntime(operatorConfig, Clock.systemUTC());
        runtime.allowList().howToAllow(howToAllow());
        runtime.maxStopGrace(Duration.ofSeconds(grace[0]));
        processRuntime = runtime;
        // No kubelet here: a Pod would be stored but never run, so say so instead of Starting forever.
        operator[0] = OperatorApp.builder(client, operatorConfig)
            .runtime(new DisabledRuntime(RuntimeKind.Pod, POD_UNAVAILABLE))
            .runtime(runtime)
            .httpBind(InetAddress.getLoopbackAddress())
            .deferOrphanSweep() // the API starts empty: the manifests come first, then what is left is orphaned
            .start();
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 2;
      } catch (java.io.UncheckedIOException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      operatorApp = operator[0];
      if (operator[0].httpPort() > 0) {
        out.println("Metrics and health on http://127.0.0.1:" + operator[0].httpPort() + "/metrics, /healthz, /readyz");
        out.println("Status page on http://127.0.0.1:" + operator[0].httpPort() + "/");
      }
      out.println(verbose ? "Logging to the console" : "Log: " + state.resolve(LOG_FILE) + " (--verbose for the console)");
      if (!quiet) {
        table[0] = new ServiceTable(out, Clock.systemDefaultZone()).start(client);
      }
      apply(client, set);
      operator[0].stopOrphanedProcesses();
      out.println("Running; press Ctrl-C to stop" + (config != null ? ", kill -HUP " + ProcessHandle.current().pid()
          + " to re-read " + config : "") + ".");
      out.flush();
      while (requests.take() == Request.RELOAD) {
        grace[0] = reloadSettings(grace[0]);
        processRuntime.maxStopGrace(Duration.ofSeconds(grace[0]));
      }
      out.println("Stopping: every process started here is being stopped ...");
      out.flush();
      shutdown.run();
      out.println("Stopped.");
      return 0;
    } finally {
      shutdown.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  /** The allow-list in force: manifests and flags, plus the config file's. */
  private List<String> withFile(LocalSettings settings) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(fixedAllow);
    all.addAll(settings.allowExec());
    return List.copyOf(all);
  }

  /** What a CommandNotAllowed message says to do, under local. */
  private String howToAllow() {
    if (config != null) {
      return "(to allow it, add {path} under allowExec in " + config.toAbsolutePath().normalize() + " and run kill -HUP "
          + ProcessHandle.current().pid() + ", or restart local with --allow-exec {path})";
    }
    return "(to allow it, restart local with --allow-exec {path}, or list it under allowExec in a --config file,"
        + " which kill -HUP re-reads without a restart)";
  }

  /** SIGHUP: re-reads the file; what cannot change without a restart is reported. Returns the grace in force. */
  private int reloadSettings(int grace) {
    if (config == null) {
      err.println("SIGHUP: no --config file to re-read");
      return grace;
    }
    LocalSettings settings;
    try {
      settings = LocalSettings.read(config);
    } catch (IllegalArgumentException e) {
      err.println("error: reload: " + e.getMessage() + "; the settings in force are kept");
      return grace;
    }
    List<String> allow = withFile(settings);
    try {
      if (processRuntime != null) {
        processRuntime.replaceAllowList(allow, processServices());
      }
    } catch (IllegalArgumentException e) {
      err.println("error: reload: " + config + ": " + e.getMessage() + "; the settings in force are kept");
      return grace;
    }
    int newGrace = maxStopGrace != null ? maxStopGrace
        : java.util.Objects.requireNonNullElse(settings.maxStopGraceSeconds(), MAX_STOP_GRACE_SECONDS);
    out.println("Reloaded " + config + ": allowed executables: " + (allow.isEmpty() ? "(none)" : String.join(", ", allow))
        + "; max stop grace " + newGrace + "s (port, httpPort, stateDir, kubeconfig, allowEnv and logFormat change at the next start)");
    out.flush();
    return newGrace;
  }

  /** Every ProcService in the API, to reconcile again after a reload. */
  private List<io.javaoperatorsdk.operator.processing.event.ResourceID> processServices() {
    KubernetesClient c = client;
    if (c == null) {
      return List.of();
    }
    try {
      return c.resources(tf.ourworld.hero.procservice.model.ProcService.class).inAnyNamespace().list().getItems()
          .stream().map(io.javaoperatorsdk.operator.processing.event.ResourceID::fromResource).toList();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  OperatorConfig localConfig(List<String> allow, List<String> env, Path state, int metricsPort, String format) {
    OperatorConfig d = OperatorConfig.defaults();
    return new OperatorConfig(d.namespaces(), d.labelSelector(), true, allow, state,
        d.socketRoots(), metricsPort, false, d.leaseName(), d.leaseNamespace(),
        probeConcurrency != null ? probeConcurrency : LOCAL_PROBE_CONCURRENCY, LOCAL_RECONCILE_THREADS,
        format, d.stableResetAfter(), env, null);
  }

  private void apply(KubernetesClient client, ManifestSet set) {
    // The manifests' namespaces, so that files written for a cluster (namespace: hero) just work.
    set.manifests().stream().map(m -> m.object().getMetadata().getNamespace())
        .filter(ns -> ns != null && !ns.isBlank()).distinct()
        .filter(ns -> client.namespaces().withName(ns).get() == null)
        .forEach(ns -> {
          client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
              .withNewStatus().withPhase("Active").endStatus().build()).create();
          out.println("created namespace " + ns);
        });
    for (ManifestSet.Manifest m : set.manifests()) {
      GenericKubernetesResource r = m.object();
      String what = r.getKind() + " " + r.getMetadata().getName();
      try {
        // a namespaced object without a namespace lands in the client's namespace, "default"
        GenericKubernetesResource stored = client.resource(r).get();
        if (stored == null) {
          client.resource(r).create();
        } else {
          // Over what is stored, as kubectl apply: the manifest's spec, labels and annotations; the
          // server's bookkeeping (finalizers, owners) and the status stay.
          r.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
          r.getMetadata().setFinalizers(stored.getMetadata().getFinalizers());
          r.getMetadata().setOwnerReferences(stored.getMetadata().getOwnerReferences());
          client.resource(r).update();
        }
        out.println("applied " + what + " (" + m.file() + ")");
      } catch (KubernetesClientException e) {
        String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
            : e.getMessage();
        err.println("error: " + m.file() + ": cannot apply " + what + ": " + msg);
      }
    }
    out.flush();
  }

  /**
   * SIGINT and SIGTERM end the wait in {@link #call}, so shutdown runs on the main thread and we
   * exit 0. A second one while stopping is impatience: kill the processes at once and leave.
   * SIGHUP re-reads the --config file, on the main thread too.
   */
  private void installSignalHandlers() {
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
          if (stopRequested.getAndSet(true)) {
            err.println("Second signal: killing every process started here and exiting now.");
            ChildProcesses.stopAll(Duration.ZERO);
            Runtime.getRuntime().halt(130);
          }
          requests.add(Request.STOP);
        });
      } catch (IllegalArgumentException e) {
        LoggerFactory.getLogger(LocalCommand.class).debug("cannot handle SIG{}", name, e);
      }
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> requests.add(Request.RELOAD));
    } catch (IllegalArgumentException e) {
      LoggerFactory.getLogger(LocalCommand.class).debug("cannot handle SIGHUP", e);
    }
  }

  /** Closes one component; whatever it throws, the next ones still get closed and the processes stopped. */
  private static void closeQuietly(AutoCloseable c, String what) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(LocalCommand.class).atWarn().setCause(e)
          .addKeyValue("component", what).log("Error while stopping");
    }
  }
}
