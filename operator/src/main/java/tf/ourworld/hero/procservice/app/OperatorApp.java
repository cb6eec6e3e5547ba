package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecDefaults;
import tf.ourworld.hero.procservice.observability.EventRecorder;
import tf.ourworld.hero.procservice.observability.HealthServer;
import tf.ourworld.hero.procservice.observability.OperatorHealth;
import tf.ourworld.hero.procservice.observability.OperatorMetrics;
import tf.ourworld.hero.procservice.observability.ReconcileMetrics;
import tf.ourworld.hero.procservice.observability.StatusBoard;
import tf.ourworld.hero.procservice.observability.StatusPage;
import tf.ourworld.hero.procservice.observability.TransitionReporter;
import tf.ourworld.hero.procservice.probe.ProbeListener;
import tf.ourworld.hero.procservice.probe.ProbeObserver;
import tf.ourworld.hero.procservice.probe.ProbeRunner;
import tf.ourworld.hero.procservice.reconcile.OwnStatusEchoFilter;
import tf.ourworld.hero.procservice.reconcile.ProcServiceReconciler;
import tf.ourworld.hero.procservice.reconcile.ReconcileRequests;
import tf.ourworld.hero.procservice.reconcile.RuntimeRegistry;
import tf.ourworld.hero.procservice.reconcile.StatusWriter;
import tf.ourworld.hero.procservice.reconcile.TransitionEvents;
import tf.ourworld.hero.procservice.recovery.RecoveryBook;
import tf.ourworld.hero.procservice.recovery.RecoveryPlanner;
import tf.ourworld.hero.procservice.runtime.DisabledRuntime;
import tf.ourworld.hero.procservice.runtime.CachedTexts;
import tf.ourworld.hero.procservice.runtime.ManagedFieldsDroppingStore;
import tf.ourworld.hero.procservice.runtime.WorkloadRuntime;
import tf.ourworld.hero.procservice.runtime.process.ProcessRuntime;
import tf.ourworld.hero.procservice.status.StatusCalculator;
import tf.ourworld.hero.procservice.validation.SpecValidator;

/**
 * The running operator: wires runtimes, probes, reconciler and observability in one place, for
 * both {@code run} and {@code local}.
 */
public final class OperatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorApp.class);
  /**
   * A failed reconcile (status RuntimeError) is retried for as long as it fails, doubling from 2 s
   * to 5 min: a service is never left unsupervised because its retries ran out.
   */
  static final GenericRetry RECONCILE_RETRY = new GenericRetry().setInitialInterval(2_000).setIntervalMultiplier(2)
      .setMaxInterval(300_000).withoutMaxAttempts();

  private final Operator operator;
  private final RuntimeRegistry runtimes;
  private final ProbeRunner probes;
  private final List<AutoCloseable> closeables;
  private final HealthServer health;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final KubernetesClient client;
  private final OperatorConfig config;
  private final java.util.concurrent.atomic.AtomicBoolean reconcilingStopped = new java.util.concurrent.atomic.AtomicBoolean();

  private OperatorApp(Operator operator, RuntimeRegistry runtimes, ProbeRunner probes, List<AutoCloseable> closeables,
      HealthServer health, KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
    this.operator = operator;
    this.runtimes = runtimes;
    this.probes = probes;
    this.closeables = closeables;
    this.health = health;
  }

  /** Starts the operator on the given client; returns once its informers are started. */
  public static OperatorApp start(KubernetesClient client, OperatorConfig config) {
    return builder(client, config).start();
  }

  public static Builder builder(KubernetesClient client, OperatorConfig config) {
    return new Builder(client, config);
  }

  /** Assembles the operator; tests swap runtimes or the probe runner at the edges. */
  public static final class Builder {
    private final KubernetesClient client;
    private final OperatorConfig config;
    private final List<WorkloadRuntime> runtimes = new ArrayList<>();
    private Function<ProbeListener, ProbeRunner> probeRunnerFactory;
    private TransitionEvents events;
    private OperatorMetrics metrics;
    private boolean noObservability;
    private Duration[] leaseTimings = {LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE};
    private boolean exitOnStopLeading = true;
    private Clock clock = Clock.systemUTC();
    private ProbeObserver probeObserver = ProbeObserver.NOOP;
    private java.net.InetAddress httpBind;
    private boolean deferOrphanSweep;

    private Builder(KubernetesClient client, OperatorConfig config) {
      this.client = client;
      this.config = config;
    }

    public Builder runtime(WorkloadRuntime runtime) {
      runtimes.add(runtime);
      return this;
    }

    public Builder probeRunner(Function<ProbeListener, ProbeRunner> factory) {
      this.probeRunnerFactory = factory;
      return this;
    }

    public Builder events(TransitionEvents events) {
      this.events = events;
      return this;
    }

    public Builder probeObserver(ProbeObserver observer) {
      this.probeObserver = observer;
      return this;
    }

    /** Metrics to record into (a fresh registry by default). */
    public Builder metrics(OperatorMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** No Events, metrics or health endpoint: for tests that count API requests precisely. */
    public Builder withoutObservability() {
      this.noObservability = true;
      return this;
    }

    /**
     * Lease timings, and whether losing the lease ends the process (the default: a deposed leader
     * must not go on acting; tests turn it off to fail over inside one JVM).
     */
    public Builder leaderElection(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod,
        boolean exitOnStopLeading) {
      this.leaseTimings = new Duration[] {leaseDuration, renewDeadline, retryPeriod};
      this.exitOnStopLeading = exitOnStopLeading;
      return this;
    }

    /** The address /metrics, /healthz and /readyz listen on (default: all interfaces, what a Pod needs). */
    public Builder httpBind(java.net.InetAddress address) {
      this.httpBind = address;
      return this;
    }

    /**
     * Do not stop orphaned processes at start: the caller creates its resources first and then
     * calls {@link OperatorApp#stopOrphanedProcesses()} (local, whose API starts empty).
     */
    public Builder deferOrphanSweep() {
      this.deferOrphanSweep = true;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public OperatorApp start() {
      List<AutoCloseable> owned = new ArrayList<>();
      if (metrics == null && !noObservability) {
        metrics = new OperatorMetrics();
      }
      if (metrics != null && probeObserver == ProbeObserver.NOOP) {
        probeObserver = metrics;
      }
      if (events == null) {
        EventRecorder recorder = noObservability ? null : new EventRecorder(client);
        if (recorder != null) {
          owned.add(recorder);
        }
        events = new TransitionReporter(recorder, metrics);
      }
      StatusBoard board = new StatusBoard(clock);
      events = board.after(events);
      // A runtime's or the probe scheduler's "something changed for this service" becomes a reconcile at once.
      ReconcileRequests requests = new ReconcileRequests();
      owned.add(requests);
      ProbeListener listener = new ProbeListener() {
        @Override
        public void onChange(ResourceID id, tf.ourworld.hero.procservice.probe.ProbeState before,
            tf.ourworld.hero.procservice.probe.ProbeState after) {
          requests.request(id);
        }

        @Override
        public void onRunNowDone(ResourceID id) {
          requests.request(id);
        }
      };
      ProbeRunner probes = Defaults.probeRunner(probeRunnerFactory, config, clock, probeObserver).apply(listener);

      RuntimeRegistry registry = new RuntimeRegistry();
      for (WorkloadRuntime r : runtimes) {
        registry.add(r);
      }
      Set<RuntimeKind> given = EnumSet.noneOf(RuntimeKind.class);
      runtimes.forEach(r -> given.add(r.kind()));
      Defaults.runtimes(client, config, clock, given).forEach(registry::add);
      for (RuntimeKind kind : RuntimeKind.values()) {
        if (registry.get(kind).isEmpty()) {
          registry.add(new DisabledRuntime(kind, "runtime " + kind + " is not available on this operator build"));
        }
      }
      registry.all().forEach(r -> r.onChange(requests::request));

      StatusWriter statusWriter = new StatusWriter(client);
      ProcServiceReconciler reconciler = new ProcServiceReconciler(registry, probes, new SpecValidator(),
          new RecoveryPlanner(), new RecoveryBook(config.stableResetAfter()), new StatusCalculator(),
          statusWriter, events, requests, clock);

      Operator operator = new Operator(o -> {
        o.withKubernetesClient(client)
            .withResourceCloner(new BindingAwareCloner(client))
            .withUseSSAToPatchPrimaryResource(false)
            .withCloseClientOnStop(false)
            .withConcurrentReconciliationThreads(config.reconcileThreads());
        if (metrics != null) {
          o.withMetrics(new ReconcileMetrics(metrics));
        }
        if (config.leaderElection()) {
          o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(config.leaseName(),
              config.leaseNamespace(), leaseTimings[0], leaseTimings[1], leaseTimings[2], null, null,
              exitOnStopLeading));
        }
      });
      operator.register(reconciler, o -> {
        // all events: deletion comes to reconcile, which adds the finalizer only where a runtime needs it
        o.withName("procservice").withGenerationAware(false).withTriggerReconcilerOnAllEvents(true)
            .withRetry(RECONCILE_RETRY).withItemStore(new ManagedFieldsDroppingStore<>(CachedTexts::share))
            .withOnUpdateFilter(new OwnStatusEchoFilter(statusWriter));
        if (config.namespaces().isEmpty()) {
          o.watchingAllNamespaces();
        } else {
          o.settingNamespaces(config.namespaces());
        }
        if (config.labelSelector() != null && !config.labelSelector().isBlank()) {
          o.withLabelSelector(config.labelSelector());
        }
      });
      operator.start();
      if (!deferOrphanSweep) {
        stopOrphans(client, config, registry);
      }
      List<AutoCloseable> closeables = new ArrayList<>(owned);
      HealthServer health = null;
      if (config.httpPort() >= 0 && metrics != null) {
        Operator op = operator;
        health = HealthServer.start(httpBind, config.httpPort(), metrics, OperatorHealth.of(op, probes::alive),
            new StatusPage(board));
        closeables.add(health);
      }
      LOG.info("Operator started: namespaces={}, selector={}, processRuntime={}",
          config.namespaces().isEmpty() ? "all" : config.namespaces(), config.labelSelector(),
          config.processRuntimeEnabled());
      return new OperatorApp(operator, registry, probes, closeables, health, client, config);
    }
  }

  /** The address of /metrics, /healthz and /readyz, or null when they are off. */
  public java.net.InetSocketAddress httpAddress() {
    return health == null ? null : health.address();
  }

  /**
   * Once the informers are synced: processes earlier operators left for services that no longer
   * exist, or no longer name the Process runtime, are stopped (docs/process-runtime.md, "Operator restarts"). A failure here is logged,
   * never fatal: the processes are then left as before.
   */
  private static void stopOrphans(KubernetesClient client, OperatorConfig config, RuntimeRegistry registry) {
    Optional<WorkloadRuntime> rt = registry.get(RuntimeKind.Process);
    if (rt.isEmpty() || !(rt.get() instanceof ProcessRuntime process) || process.unavailableMessage() != null) {
      return;
    }
    try {
      Set<ResourceID> known = new HashSet<>();
      List<ProcService> all = new ArrayList<>();
      if (config.namespaces().isEmpty()) {
        all.addAll(client.resources(ProcService.class).inAnyNamespace().list().getItems());
      } else {
        for (String ns : config.namespaces()) {
          all.addAll(client.resources(ProcService.class).inNamespace(ns).list().getItems());
        }
      }
      // a service whose spec.runtime is no longer Process left them too (changed while we were down)
      all.stream().filter(p -> p.getSpec() == null || SpecDefaults.apply(p.getSpec()).getRuntime() == RuntimeKind.Process)
          .forEach(p -> known.add(ResourceID.fromResource(p)));
      int stopped = process.stopOrphans(known::contains);
      if (stopped > 0) {
        LOG.warn("Stopping {} process(es) of services that no longer exist", stopped);
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setMessage("Could not look for orphaned processes").setCause(e).log();
    }
  }

  /** The port of /metrics, /healthz and /readyz, or -1 when they are off. */
  public int httpPort() {
    return health == null ? -1 : health.port();
  }

  /** The Process runtime in use, when it is this operator's own. */
  public Optional<ProcessRuntime> processRuntime() {
    return runtimes.get(RuntimeKind.Process).filter(ProcessRuntime.class::isInstance).map(ProcessRuntime.class::cast);
  }

  /**
   * Closes as {@link #close()} does, but first stops every local process deliberately (each
   * within its stopGracePeriodSeconds, at most {@code maxGrace}) and records those stops, so that
   * the next start starts them afresh instead of counting a crash: what {@code local} does, which
   * leaves nothing running. Returns how many processes were stopped.
   */
  public int closeStoppingProcesses(Duration maxGrace) {
    stopReconcilingAndProbing();
    int stopped = 0;
    try {
      stopped = processRuntime().map(r -> r.stopAll(maxGrace)).orElse(0);
      // and whatever of ours no service claimed (an earlier operator's processes): nothing outlives local
      stopped += processRuntime().map(r -> r.terminateAll(maxGrace)).orElse(0);
    } catch (RuntimeException e) {
      LOG.warn("Stopping the local processes failed: {}", e.toString());
    }
    close();
    return stopped;
  }

  /** Stops processes earlier operators left for services that do not exist now (see {@link Builder#deferOrphanSweep()}). */
  public void stopOrphanedProcesses() {
    stopOrphans(client, config, runtimes);
  }

  public Operator operator() {
    return operator;
  }

  private void stopReconcilingAndProbing() {
    if (reconcilingStopped.getAndSet(true)) {
      return;
    }
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping the operator failed: {}", e.toString());
    }
    probes.close();
  }

  /** Stops reconciling and probing; local processes keep running, to be adopted by the next operator. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    stopReconcilingAndProbing();
    runtimes.close();
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed: {}", c, e.toString());
      }
    }
  }
}
