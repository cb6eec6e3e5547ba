package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
import tf.ourworld.hero.procservice.local.ManifestSet;
import tf.ourworld.hero.procservice.local.ServiceTable;

/**
 * {@code local}: the whole product on one machine without a cluster — an embedded Kubernetes API
 * on 127.0.0.1, a kubeconfig for kubectl, the manifests given, and the operator with the Process
 * runtime, until Ctrl-C / SIGTERM stops everything it started.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"Run an embedded Kubernetes API on 127.0.0.1 (state in memory), apply the manifests given,"
        + " and run the operator on it with the Process runtime. Use kubectl with the kubeconfig it writes.",
        "Ctrl-C or SIGTERM stops every process it started and exits 0."})
public class LocalCommand implements Callable<Integer> {
  static final String POD_UNAVAILABLE = "runtime Pod needs a cluster (a kubelet runs the pods): `local` runs"
      + " runtime Process and Track only; set spec.runtime: Process, or run the operator against a cluster";

  /** Seconds between SIGTERM and SIGKILL for the processes still running when local stops. */
  static final int STOP_GRACE_SECONDS = 10;

  @Option(names = "--port", paramLabel = "N",
      description = "Port of the embedded API on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = EmbeddedApiServer.DEFAULT_PORT;

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig to write (default: ${DEFAULT-VALUE}).")
  Path kubeconfig = Path.of(".procservice", "kubeconfig");

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Runtime dirs of local processes (sockets, logs, pid files) (default: ${DEFAULT-VALUE}).")
  Path stateDir = Path.of(".procservice", "state");

  @Option(names = "--allow-exec", paramLabel = "PATTERN",
      description = "Also allow this executable (absolute path or glob) for processes and exec probes. Repeatable.")
  List<String> allowExec = new ArrayList<>();

  @Option(names = "--allow-env", paramLabel = "NAME|GLOB",
      description = "Let processes set this environment variable although the default env policy refuses it"
          + " (LD_*, PYTHONPATH, ...: docs/security.md). Repeatable.")
  List<String> allowEnv = new ArrayList<>();

  @Option(names = "--log-format", paramLabel = "text|json",
      description = "Log format (default: ${DEFAULT-VALUE}; json gives the structured lines of `run`).")
  String logFormat = "text";

  @Option(names = {"-q", "--quiet"}, description = "Do not print the live table of services.")
  boolean quiet;

  @Parameters(paramLabel = "MANIFEST|DIR", arity = "0..*",
      description = "YAML files (multi-document) or directories of *.yaml/*.yml to apply at start.")
  List<Path> manifests = new ArrayList<>();

  PrintStream out = System.out;
  PrintStream err = System.err;
  /** Tests drive stopping through {@link #stop()} instead of signals. */
  boolean handleSignals = true;
  private final CountDownLatch stop = new CountDownLatch(1);

  /** Stops a running {@link #call()} as SIGTERM does. */
  void stop() {
    stop.countDown();
  }

  @Override
  public Integer call() throws Exception {
    Logging.apply(logFormat); // before anything logs: text by default, local is for people at a terminal
    for (String pattern : allowExec) {
      if (!pattern.startsWith("/")) {
        err.println("error: --allow-exec " + pattern + ": a pattern must be an absolute path or glob");
        return 2;
      }
    }
    ManifestSet set = ManifestSet.read(manifests);
    set.problems().forEach(p -> err.println("error: " + p.file() + ": " + p.message()));
    List<String> allow = AllowList.of(set.manifests(), allowExec, System.getenv("PATH"));

    if (handleSignals) {
      installSignalHandlers(stop);
    }

    EmbeddedApiServer api;
    try {
      api = EmbeddedApiServer.start(port);
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    AtomicBoolean closed = new AtomicBoolean();
    OperatorApp[] operator = new OperatorApp[1];
    ServiceTable[] table = new ServiceTable[1];
    KubernetesClient client = api.createClient();
    Runnable shutdown = () -> {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      closeQuietly(table[0], "table");
      // Every supervised process, adopted ones too (they are not our children), stopped once
      // reconciling has stopped, so nothing restarts them meanwhile.
      int supervised = 0;
      if (operator[0] != null) {
        try {
          operator[0].operator().stop();
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(LocalCommand.class).atWarn().setCause(e).log("Error while stopping the operator");
        }
        supervised = operator[0].terminateLocalProcesses(Duration.ofSeconds(STOP_GRACE_SECONDS));
      }
      closeQuietly(operator[0], "operator");
      // The Process runtime leaves processes running for adoption; here nothing may outlive us.
      int stopped = Math.max(supervised, ChildProcesses.stopAll(Duration.ofSeconds(STOP_GRACE_SECONDS)));
      if (stopped > 0) {
        err.println("stopped " + stopped + " process" + (stopped == 1 ? "" : "es"));
      }
      closeQuietly(client, "client");
      closeQuietly(api, "embedded API");
    };
    // Safety net when the JVM exits some other way (System.exit elsewhere, a second signal).
    Thread hook = new Thread(shutdown, "procservice-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Kubeconfig.write(kubeconfig, api.url());
      out.println("Embedded Kubernetes API on " + api.url() + " (state in memory: gone when this stops)");
      out.println("Kubeconfig written; use kubectl with:");
      out.println("  export KUBECONFIG=" + kubeconfig.toAbsolutePath().normalize());
      out.println("Allowed executables: " + (allow.isEmpty() ? "(none)" : String.join(", ", allow)));
      out.flush();

      OperatorConfig config = localConfig(allow);
      try {
        // No kubelet here: a Pod would be stored but never run, so say so instead of Starting forever.
        operator[0] = OperatorApp.builder(client, config)
            .runtime(new DisabledRuntime(RuntimeKind.Pod, POD_UNAVAILABLE))
            .deferOrphanSweep() // the API starts empty: the manifests come first, then what is left is orphaned
            .start();
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      if (!quiet) {
        table[0] = new ServiceTable(out, Clock.systemDefaultZone()).start(client);
      }
      apply(client, set);
      operator[0].stopOrphanedProcesses();
      out.println("Running; press Ctrl-C to stop.");
      out.flush();
      stop.await();
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

  OperatorConfig localConfig(List<String> allow) {
    OperatorConfig d = OperatorConfig.defaults();
    return new OperatorConfig(d.namespaces(), d.labelSelector(), true, allow, stateDir.toAbsolutePath().normalize(),
        d.socketRoots(), 0, false, d.leaseName(), d.leaseNamespace(), d.probeConcurrency(), d.reconcileThreads(),
        logFormat, d.stableResetAfter(), allowEnv);
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
        client.resource(r).createOr(NonDeletingOperation::update);
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
   */
  private void installSignalHandlers(CountDownLatch stop) {
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
          if (stop.getCount() == 0) {
            err.println("Second signal: killing every process started here and exiting now.");
            ChildProcesses.stopAll(Duration.ZERO);
            Runtime.getRuntime().halt(130);
          }
          stop.countDown();
        });
      } catch (IllegalArgumentException e) {
        LoggerFactory.getLogger(LocalCommand.class).debug("cannot handle SIG{}", name, e);
      }
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
