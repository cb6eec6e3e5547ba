package tf.ourworld.hero.procservice.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.reconcile.TransitionEvents;

/**
 * The operator's in-memory view for the status page: the latest status of each service it
 * reconciles and the recent transitions, both bounded. Fed by the reconciler (as
 * {@link TransitionEvents}); never reads the spec, so nothing secret (env values) can reach it.
 */
public final class StatusBoard implements TransitionEvents {
  static final int MAX_SERVICES = 2000;
  static final int MAX_TRANSITIONS = 50;

  /** One service as last reconciled. */
  public record Service(String namespace, String name, String runtime, ProcServiceStatus status, Instant seen) {
  }

  /** One change worth showing: a state or reason change, or a restart. */
  public record Transition(Instant time, String namespace, String name, String from, String to, String reason,
      String message) {
  }

  private final Clock clock;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Deque<Transition> transitions = new ArrayDeque<>();

  public StatusBoard(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void current(ProcService service, ProcServiceStatus status) {
    String key = key(service);
    if (!services.containsKey(key) && services.size() >= MAX_SERVICES) {
      return; // bounded: a page of thousands is unreadable anyway
    }
    String runtime = service.getSpec() == null || service.getSpec().getRuntime() == null ? "Pod"
        : service.getSpec().getRuntime().toString();
    services.put(key, new Service(service.getMetadata().getNamespace(), service.getMetadata().getName(), runtime,
        status, clock.instant()));
  }

  @Override
  public void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after, Findings findings) {
    if (after == null) {
      return;
    }
    String from = before == null || before.getState() == null ? null : before.getState().toString();
    String to = after.getState() == null ? null : after.getState().toString();
    if (before != null && Objects.equals(from, to) && Objects.equals(before.getReason(), after.getReason())) {
      return;
    }
    add(new Transition(clock.instant(), service.getMetadata().getNamespace(), service.getMetadata().getName(), from,
        to, after.getReason(), after.getMessage()));
  }

  @Override
  public void restarting(ProcService service, String targets, String why) {
    add(new Transition(clock.instant(), service.getMetadata().getNamespace(), service.getMetadata().getName(), null,
        null, "Restarting", "Restarting " + targets + (why == null ? "" : ": " + why)));
  }

  @Override
  public synchronized void forget(ProcService service) {
    services.remove(key(service));
  }

  private synchronized void add(Transition t) {
    transitions.addFirst(t);
    while (transitions.size() > MAX_TRANSITIONS) {
      transitions.removeLast();
    }
  }

  /** Every service, by namespace and name. */
  public synchronized List<Service> services() {
    List<Service> all = new ArrayList<>(services.values());
    all.sort(Comparator.comparing(Service::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Service::name));
    return all;
  }

  /** The recent transitions, newest first. */
  public synchronized List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  private static String key(ProcService service) {
    return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
  }

  /** Both: {@code first} (Events, metrics, logs), then the board. */
  public TransitionEvents after(TransitionEvents first) {
    StatusBoard board = this;
    return new TransitionEvents() {
      @Override
      public void statusChanged(ProcService service, ProcServiceStatus before, ProcServiceStatus after,
          Findings findings) {
        first.statusChanged(service, before, after, findings);
        board.statusChanged(service, before, after, findings);
      }

      @Override
      public void current(ProcService service, ProcServiceStatus status) {
        first.current(service, status);
        board.current(service, status);
      }

      @Override
      public void restarting(ProcService service, String targets, String why) {
        first.restarting(service, targets, why);
        board.restarting(service, targets, why);
      }

      @Override
      public void forget(ProcService service) {
        first.forget(service);
        board.forget(service);
      }
    };
  }
}
