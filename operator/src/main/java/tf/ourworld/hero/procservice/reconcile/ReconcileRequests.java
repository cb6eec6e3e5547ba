package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * The operator's own reasons to reconcile a service (a runtime or a probe saw a change; a timer of
 * the reconciler ran out), as one JOSDK event source, and at most one of them waiting per service.
 *
 * <p>A reconcile reads every state it decides on when it runs, not when it was asked for, so a
 * request made while an earlier one has not been taken up yet adds nothing: it is not passed on.
 * JOSDK could not tell: once a reconcile is queued, every further event makes it run once more
 * after that one (at a cold start of 10,000 services the status-writing reconciles wait 40-60 s in
 * the queue, and a timer of each that fired meanwhile cost a third reconcile each, 10,000 in all).
 * A request is taken up when a reconcile of the service starts ({@link #takenUp}, the first thing a
 * reconcile does); a change after that asks again.
 *
 * <p>Every request JOSDK accepts is followed by a reconcile, so a waiting request always stands for
 * one that is coming. Should one ever be dropped all the same, it stops standing in for new ones
 * after {@link #STANDS_FOR}: a service can be late by that much, never forgotten.
 */
public final class ReconcileRequests implements AutoCloseable {
  /** How long a request not taken up yet stands in for later ones. */
  static final Duration STANDS_FOR = Duration.ofSeconds(30);

  private final SimpleInboundEventSource<ProcService> source = new SimpleInboundEventSource<>("operator-requests");
  /** Services with a request not taken up yet, and when it was passed on (nanoTime). */
  private final Map<ResourceID, Long> waiting = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor timers;
  private final LongSupplier nanoTime;

  public ReconcileRequests() {
    this(System::nanoTime);
  }

  ReconcileRequests(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "reconcile-timer");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    // requests for services that went meanwhile are never taken up: let them go once they stand for nothing
    long every = STANDS_FOR.toMillis();
    timers.scheduleWithFixedDelay(this::dropExpired, every, every, TimeUnit.MILLISECONDS);
  }

  /** The JOSDK event source these requests come through (register it with the reconciler). */
  public EventSource<?, ProcService> eventSource() {
    return source;
  }

  /** Asks for a reconcile of the service, unless one is already coming. */
  public void request(ResourceID id) {
    if (!source.isRunning()) {
      return; // JOSDK drops it (not started, or stopped); its start reconciles every service anyway
    }
    long now = nanoTime.getAsLong();
    boolean[] passOn = {false};
    waiting.compute(id, (k, since) -> {
      if (since != null && now - since < STANDS_FOR.toNanos()) {
        return since;
      }
      passOn[0] = true;
      return now;
    });
    if (passOn[0]) {
      source.propagateEvent(id);
    }
  }

  /** Asks for a reconcile of the service after {@code delay}; cancel the returned future to withdraw it. */
  Future<?> requestAfter(ResourceID id, Duration delay) {
    return timers.schedule(() -> request(id), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** A reconcile of the service starts: what it will read answers every request made so far. */
  void takenUp(ResourceID id) {
    waiting.remove(id);
  }

  /** The service is gone: nothing more is asked for it. */
  void forget(ResourceID id) {
    waiting.remove(id);
  }

  private void dropExpired() {
    long now = nanoTime.getAsLong();
    waiting.entrySet().removeIf(e -> now - e.getValue() >= STANDS_FOR.toNanos());
  }

  /** Whether a request for the service waits to be taken up (for tests and diagnostics). */
  boolean waiting(ResourceID id) {
    return waiting.containsKey(id);
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
