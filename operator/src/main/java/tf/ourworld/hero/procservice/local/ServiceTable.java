package tf.ourworld.hero.procservice.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.runtime.ManagedFieldsDroppingStore;

/**
 * The live table {@code local} prints: one line each time a service's state, ready probes,
 * restarts or reason changes (not on every status write), under a header printed once; the state
 * with the seed supervisor's glyph in front ({@link #glyph}).
 */
public final class ServiceTable implements AutoCloseable {
  static final String FORMAT = "%-8s  %-28s  %-10s  %-5s  %-8s  %-22s  %s%n";

  /** What a line shows; a new line is printed only when this changes. */
  record Row(String state, String ready, String restarts, String reason, String message) {
    boolean sameShape(Row o) {
      return o != null && Objects.equals(state, o.state) && Objects.equals(ready, o.ready)
          && Objects.equals(restarts, o.restarts) && Objects.equals(reason, o.reason);
    }
  }

  private final PrintStream out;
  private final Clock clock;
  private final Map<String, Row> last = new HashMap<>();
  private boolean headerPrinted;
  private SharedIndexInformer<ProcService> informer;

  public ServiceTable(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** Starts watching every ProcService through {@code client}. */
  public ServiceTable start(KubernetesClient client) {
    informer = client.resources(ProcService.class).inAnyNamespace().runnableInformer(0)
        .itemStore(new ManagedFieldsDroppingStore<>());
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ProcService ps) {
        update(ps, false);
      }

      @Override
      public void onUpdate(ProcService old, ProcService ps) {
        update(ps, false);
      }

      @Override
      public void onDelete(ProcService ps, boolean unknownFinalState) {
        update(ps, true);
      }
    });
    informer.start();
    return this;
  }

  /** Prints a line for this service if what the table shows changed. */
  synchronized void update(ProcService ps, boolean deleted) {
    String key = ps.getMetadata().getNamespace() + "/" + ps.getMetadata().getName();
    Row row = deleted ? new Row("  Deleted", "", "", "", "") : rowOf(ps.getStatus());
    if (row.sameShape(last.get(key))) {
      return;
    }
    if (deleted) {
      last.remove(key);
    } else {
      last.put(key, row);
    }
    if (!headerPrinted) {
      out.printf(FORMAT, "TIME", "NAMESPACE/NAME", "STATE", "READY", "RESTARTS", "REASON", "MESSAGE");
      headerPrinted = true;
    }
    String time = LocalTime.now(clock).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME);
    out.printf(FORMAT, time, key, row.state(), row.ready(), row.restarts(), row.reason(), row.message());
    out.flush();
  }

  static Row rowOf(ProcServiceStatus s) {
    if (s == null) {
      return new Row(glyph(null) + " Pending", "-", "0", "", "waiting for the operator");
    }
    return new Row(glyph(s.getState()) + " " + (s.getState() == null ? "Pending" : s.getState().toString()),
        s.getProbesReady() == null ? "-" : s.getProbesReady(),
        String.valueOf(s.getRestarts() == null ? 0 : s.getRestarts()),
        s.getReason() == null ? "" : s.getReason(), s.getMessage() == null ? "" : s.getMessage());
  }

  /** The seed supervisor's glyphs: ● running, ◐ degraded, ○ stopped, ✕ failed; ◌ on the way (pending, starting). */
  public static String glyph(ServiceState state) {
    if (state == null) {
      return "\u25cc";
    }
    return switch (state) {
      case Running -> "\u25cf";
      case Degraded -> "\u25d0";
      case Stopped -> "\u25cb";
      case Failed -> "\u2715";
      case Starting -> "\u25cc";
    };
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
