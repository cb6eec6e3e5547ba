package tf.ourworld.hero.procservice.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.model.ProbeSpec;

/**
 * Runs every planned probe on its own schedule: a bounded pool of {@code concurrency} threads
 * waits for the next due probe and runs it (blocking I/O, each run bounded by its timeout by a
 * separate watchdog thread), and the listener hears only about state changes.
 */
public final class ProbeScheduler implements ProbeRunner {
  private static final Logger LOG = LoggerFactory.getLogger("tf.ourworld.hero.procservice.probe");
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * After a process (re)starts, a probe first tries every 250 ms until it passes, for at most one
   * period, without counting those failures (the handler may still be opening its socket): a
   * repaired service is seen Running as soon as it answers, not a period later.
   */
  static final long WARMUP_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /**
   * Probes due within this much of each other share one thread wake-up (they run up to that much
   * early, never late), and a probe waits at most this long behind a slow or hung one before
   * another thread takes it ({@link CoalescingPool}; the measurement is in docs/benchmarks.md).
   */
  static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final CoalescingPool pool;
  private final Watchdog watchdog;
  private final ProbeInvoker invoker;
  private final Clock clock;
  private final ProbeListener listener;
  private final ProbeObserver observer;
  private final Map<ResourceID, Map<ProbeKey, Task>> services = new ConcurrentHashMap<>();
  private final Set<Task> live = ConcurrentHashMap.newKeySet();
  /** The latest runNow request of each service whose runs have all ended. */
  private final Map<ResourceID, String> runNowDone = new ConcurrentHashMap<>();

  /**
   * @param concurrency probes that may run at once ({@link OperatorConfig#probeConcurrency()})
   * @param clock source of lastTransitionTime
   * @param listener told when a probe's state changes (the reconciler's trigger event source)
   * @param observer told about every run (metrics); {@link ProbeObserver#NOOP} for none
   */
  public ProbeScheduler(int concurrency, Clock clock, ProbeListener listener, ProbeObserver observer) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("probe concurrency must be at least 1, got " + concurrency);
    }
    this.clock = clock;
    this.listener = listener;
    this.observer = observer == null ? ProbeObserver.NOOP : observer;
    // The pool's own threads wait for the next due probe and run it: no hand-off from a timer
    // thread to a worker per run, and under load a worker that finishes takes the next due probe
    // without parking. Watchdogs live on a separate thread so they fire even when every worker is
    // blocked on a hanging target.
    this.pool = new CoalescingPool(concurrency, COALESCE_NANOS, TimeUnit.NANOSECONDS, threads("probe"));
    // Core threads never time out: the JDK advises against it for scheduled pools. Threads are
    // started lazily, one per scheduled probe, up to concurrency, and are mostly parked.
    this.watchdog = new Watchdog("probe-watchdog");
    this.invoker = new ProbeInvoker(watchdog);
  }

  /** Without an observer. */
  public ProbeScheduler(int concurrency, Clock clock, ProbeListener listener) {
    this(concurrency, clock, listener, ProbeObserver.NOOP);
  }

  @Override
  public void plan(ResourceID service, List<PlannedProbe> probes) {
    plan(service, probes, Map.of());
  }

  @Override
  public synchronized void plan(ResourceID service, List<PlannedProbe> probes, Map<ProbeKey, ProbeState> carried) {
    Map<ProbeKey, Task> current = services.getOrDefault(service, Map.of());
    Map<ProbeKey, Task> next = new LinkedHashMap<>();
    for (PlannedProbe probe : probes) {
      String specJson = json(probe.spec());
      Task kept = current.get(probe.key());
      Task replaced = next.get(probe.key());
      if (replaced != null) {
        replaced.cancel(); // a duplicate key: the last one wins
      }
      if (kept != null && kept.unchanged(probe, specJson) && replaced == null) {
        next.put(probe.key(), kept);
      } else {
        Task task = new Task(service, probe, specJson);
        ProbeState from = carried.get(probe.key());
        if (from != null) {
          task.resume(from);
        }
        next.put(probe.key(), task);
        task.start();
      }
    }
    for (Task task : current.values()) {
      if (next.get(task.key) != task) {
        task.cancel();
      }
    }
    if (next.isEmpty()) {
      services.remove(service);
    } else {
      services.put(service, next);
    }
  }

  @Override
  public boolean alive() {
    return !pool.isShutdown();
  }

  @Override
  public synchronized void cancel(ResourceID service) {
    Map<ProbeKey, Task> tasks = services.remove(service);
    runNowDone.remove(service);
    if (tasks != null) {
      tasks.values().forEach(Task::cancel);
    }
  }

  /** Runs every probe now; once each of those runs (or one in flight) has ended, {@link #runNowDone} says so. */
  @Override
  public void runNow(ResourceID service, String request) {
    Map<ProbeKey, Task> tasks = services.get(service);
    List<Task> all = tasks == null ? List.of() : List.copyOf(tasks.values());
    // one more than the tasks: done is not announced before every task has been asked
    AtomicInteger left = new AtomicInteger(all.size() + 1);
    Runnable oneDone = () -> {
      if (left.decrementAndGet() == 0) {
        runNowDone.put(service, request);
        try {
          listener.onRunNowDone(service);
        } catch (RuntimeException e) {
          LOG.atError().setMessage("probe listener failed").setCause(e)
              .addKeyValue("namespace", service.getNamespace().orElse("")).addKeyValue("name", service.getName()).log();
        }
      }
    };
    all.forEach(t -> t.runNow(request, oneDone));
    oneDone.run();
  }

  @Override
  public String runNowDone(ResourceID service) {
    return runNowDone.get(service);
  }

  @Override
  public Map<ProbeKey, ProbeState> states(ResourceID service) {
    Map<ProbeKey, Task> tasks = services.get(service);
    if (tasks == null) {
      return Map.of();
    }
    Map<ProbeKey, ProbeState> states = new LinkedHashMap<>();
    tasks.forEach((key, task) -> states.put(key, task.state()));
    return states;
  }

  @Override
  public int liveTasks() {
    return live.size();
  }

  @Override
  public void close() {
    List<Task> all = new ArrayList<>();
    synchronized (this) {
      services.values().forEach(m -> all.addAll(m.values()));
      services.clear();
    }
    all.forEach(Task::cancel);
    // The pool first: runs in flight still need their watchdogs until they end.
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchdog.close();
  }

  private static String json(ProbeSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("probe " + spec.getName() + " cannot be serialised", e);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One planned probe: its schedule, its counters and its current state. */
  private final class Task {
    final ResourceID service;
    final ProbeKey key;
    final PlannedProbe planned;
    final String specJson;
    final ProbeCheck check;
    final String invalid;
    final String kind;
    final String target;
    final long periodNanos;
    final long initialDelayNanos;
    final int timeoutSeconds;
    final ProbeStateTracker tracker;
    // guarded by this
    CoalescingPool.Handle future;
    long seq;
    boolean running;
    boolean cancelled;
    boolean resumed;
    String pendingRequest;
    /** Told when pendingRequest is answered, or the task ends. */
    List<Runnable> whenAnswered = new ArrayList<>();
    long warmupEndsNanos;
    /** The scheduled run just done gave a fresh probe its first verdict: the next one goes to a random point of the period. */
    boolean spreadNext;

    Task(ResourceID service, PlannedProbe planned, String specJson) {
      this.service = service;
      this.key = planned.key();
      this.planned = planned;
      this.specJson = specJson;
      ProbeSpec spec = planned.spec();
      ProbeCheck compiled = null;
      String problem = null;
      try {
        compiled = ProbeChecks.compile(spec, planned.target());
      } catch (IllegalArgumentException e) {
        // validation should have caught it; the probe then fails with the reason, every period
        problem = "invalid probe: " + e.getMessage();
      }
      this.check = compiled;
      this.invalid = problem;
      this.kind = compiled != null ? compiled.kind() : String.valueOf(spec.kind());
      this.target = compiled != null ? compiled.target() : key.toString();
      // The spec comes defaulted (SpecDefaults at the reconciler's edge); the bounds guard garbage.
      this.periodNanos = TimeUnit.SECONDS.toNanos(Math.max(1, spec.getPeriodSeconds()));
      this.initialDelayNanos = TimeUnit.SECONDS.toNanos(Math.max(0, spec.getInitialDelaySeconds()));
      this.timeoutSeconds = Math.max(1, ProbeChecks.timeoutSeconds(spec));
      this.tracker = new ProbeStateTracker(key, spec.getFailureThreshold(), spec.getSuccessThreshold(),
          spec.getFailureWindow());
    }

    boolean unchanged(PlannedProbe probe, String json) {
      return specJson.equals(json) && planned.target().equals(probe.target())
          && java.util.Objects.equals(planned.incarnation(), probe.incarnation());
    }

    synchronized ProbeState state() {
      return tracker.state();
    }

    /** Starts from a state an earlier operator reported: the process is the same, its initial delay is over. */
    synchronized void resume(ProbeState from) {
      tracker.resume(from);
      resumed = true;
    }

    synchronized void start() {
      live.add(this);
      // Jitter so thousands of probes planned together do not fire together: within the period for
      // probes taken up after an operator restart, within the warm-up retry for a fresh process.
      long now = System.nanoTime();
      long first = now + (resumed ? 0 : initialDelayNanos);
      warmupEndsNanos = resumed ? now : first + periodNanos;
      scheduleAt(first + ThreadLocalRandom.current().nextLong(resumed ? periodNanos
          : Math.min(periodNanos, WARMUP_RETRY_NANOS)));
    }

    /** Guarded by this. */
    private void scheduleAt(long plannedNanos) {
      long mySeq = ++seq;
      try {
        future = pool.schedule(() -> fire(mySeq, plannedNanos), plannedNanos);
      } catch (RejectedExecutionException e) {
        end(); // the scheduler is closing
      }
    }

    private void fire(long mySeq, long plannedNanos) {
      synchronized (this) {
        if (cancelled || running || mySeq != seq) {
          return;
        }
        running = true;
        future = null;
      }
      run(plannedNanos); // already on a pool thread
    }

    /** Runs now for {@code request}; {@code whenDone} hears once a run answered it, or the task ended. */
    void runNow(String request, Runnable whenDone) {
      boolean start = false;
      synchronized (this) {
        if (!cancelled) {
          whenAnswered.add(whenDone);
          whenDone = null;
          pendingRequest = request; // answered by the next run to complete, also one in progress
          if (!running) { // a run in progress gives a fresh verdict anyway
            if (future != null) {
              future.cancel();
              future = null;
            }
            seq++;
            running = true;
            start = true;
          }
        }
      }
      if (whenDone != null) {
        whenDone.run(); // cancelled: nothing will run
      } else if (start) {
        dispatch(System.nanoTime());
      }
    }

    private void dispatch(long plannedNanos) {
      try {
        pool.execute(() -> run(plannedNanos));
      } catch (RejectedExecutionException e) {
        List<Runnable> due;
        synchronized (this) {
          running = false;
          end();
          due = takeWaiters();
        }
        due.forEach(Runnable::run);
      }
    }

    /** Guarded by this. */
    private List<Runnable> takeWaiters() {
      if (whenAnswered.isEmpty()) {
        return List.of();
      }
      List<Runnable> due = whenAnswered;
      whenAnswered = new ArrayList<>();
      return due;
    }

    private void run(long plannedNanos) {
      observer.onStart(service, key.toString(), System.nanoTime() - plannedNanos);
      ProbeOutcome outcome = check != null ? invoker.invoke(check, timeoutSeconds)
          : new ProbeOutcome(false, invalid, 0);
      long latencyMs = TimeUnit.NANOSECONDS.toMillis(outcome.latencyNanos());
      ProbeState previous;
      ProbeState current = null;
      boolean warmedUp = true;
      List<Runnable> answered = List.of();
      boolean ended = false;
      synchronized (this) {
        if (cancelled) {
          running = false;
          end();
          answered = takeWaiters();
          ended = true;
        }
      }
      if (ended) {
        answered.forEach(Runnable::run);
        return;
      }
      synchronized (this) {
        previous = tracker.state();
        // A run taken up to COALESCE_NANOS early counts as run at its slot: a retry planned for the
        // end of the warm-up is then past it, not retried again and again until the clock is.
        long clockNow = System.nanoTime();
        long now = plannedNanos - clockNow > 0 ? plannedNanos : clockNow;
        if (!outcome.success() && previous.result() == ProbeResult.Unknown && previous.consecutiveFailures() == 0
            && pendingRequest == null && now - warmupEndsNanos < 0) {
          // warming up: not counted, tried again shortly (see WARMUP_RETRY_NANOS)
          running = false;
          if (!cancelled) {
            scheduleAt(Math.min(now + WARMUP_RETRY_NANOS, warmupEndsNanos));
          } else {
            end();
          }
          LOG.debug("probe {} of {} not answering yet: {}", key, service, outcome.error());
          warmedUp = false;
        } else {
          String error = outcome.success() ? null : target + ": " + outcome.error();
          // not a run someone asked for (runNow): its next run stays a period away
          spreadNext = !resumed && previous.result() == ProbeResult.Unknown && pendingRequest == null;
          current = tracker.record(outcome.success(), error, latencyMs, clock.instant());
          if (pendingRequest != null) {
            current = tracker.answered(pendingRequest, outcome.success(), error, latencyMs, clock.instant());
            pendingRequest = null;
            answered = takeWaiters();
          }
        }
      }
      observer.onResult(service, key.toString(), kind, outcome.success(), outcome.latencyNanos());
      if (!warmedUp) {
        return;
      }
      if (!outcome.success()) {
        LOG.atWarn().setMessage("probe failed")
            .addKeyValue("event", "probe_failed")
            .addKeyValue("namespace", service.getNamespace().orElse(""))
            .addKeyValue("name", service.getName())
            .addKeyValue("probe", key.toString())
            .addKeyValue("kind", kind)
            .addKeyValue("target", target)
            .addKeyValue("error", outcome.error())
            .addKeyValue("consecutiveFailures", current.consecutiveFailures())
            .addKeyValue("latencyMs", latencyMs)
            .log();
      }
      if (!current.equals(previous)) {
        try {
          listener.onChange(service, previous, current);
        } catch (RuntimeException e) {
          LOG.atError().setMessage("probe listener failed").setCause(e)
              .addKeyValue("namespace", service.getNamespace().orElse(""))
              .addKeyValue("name", service.getName()).addKeyValue("probe", key.toString()).log();
        }
      }
      answered.forEach(Runnable::run);
      boolean again = false;
      List<Runnable> left = List.of();
      synchronized (this) {
        running = false;
        if (cancelled) {
          end();
          left = takeWaiters();
        } else if (pendingRequest != null) {
          // asked for while this run was past answering: run again now, not a period later
          seq++;
          running = true;
          again = true;
        } else if (spreadNext) {
          // A fresh probe's first verdict came within its warm-up, as promptly as it could; its
          // period starts at a random point after it, so that probes planned together (thousands
          // at an operator's start) do not keep firing, and failing, together: their threshold
          // crossings would queue behind each other's status writes.
          spreadNext = false;
          scheduleAt(System.nanoTime() + 1 + ThreadLocalRandom.current().nextLong(periodNanos));
        } else {
          // Next slot on the original grid; slots missed while a slow run was in flight are skipped.
          long next = plannedNanos + periodNanos;
          long now = System.nanoTime();
          if (next < now) {
            next += ((now - next) / periodNanos + 1) * periodNanos;
          }
          scheduleAt(next);
        }
      }
      left.forEach(Runnable::run);
      if (again) {
        dispatch(System.nanoTime());
      }
    }

    synchronized void cancel() {
      cancelled = true;
      if (future != null) {
        future.cancel();
        future = null;
      }
      if (!running) {
        end();
        List<Runnable> due = takeWaiters();
        due.forEach(Runnable::run);
      }
    }

    /** Guarded by this: the task neither waits in the pool's queue nor runs any more. */
    private void end() {
      cancelled = true;
      if (live.remove(this) && check != null) {
        check.close();
      }
    }
  }
}
