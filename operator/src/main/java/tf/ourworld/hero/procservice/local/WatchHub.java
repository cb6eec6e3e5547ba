package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Fans every stored change out to open watches, as the real API server does: a watch started at a
 * resourceVersion first gets the changes after it (from a bounded history; 410 Gone when it is
 * older), a watch without one first gets every matching object as ADDED. All mutations of the
 * store pass through {@link #publish} under this object's monitor, so a new watch never misses or
 * duplicates a change.
 */
final class WatchHub {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  /**
   * Changes kept for watches that resume from a resourceVersion: the last 4096, none older than 75 s
   * (the window kube-apiserver's watch cache keeps at least). A client that has seen the latest
   * change needs none of them; one further behind gets 410 Gone and lists again, as fabric8's
   * informers and client-go do. Kept longer, the changes of a mass apply stayed in the heap for
   * good: 2 KiB per service of `local` at 1,000.
   */
  private static final int HISTORY = 4096;
  static final Duration HISTORY_WINDOW = Duration.ofSeconds(75);

  /**
   * A change: ADDED, MODIFIED or DELETED, with the object as it is after the change, as JSON text
   * (a parsed tree costs about ten times its text in heap), and when it was made.
   */
  record Change(long resourceVersion, String type, String json, long atMillis) {
  }

  /** The receiving end of a watch. */
  interface Sink {
    /** Delivers one event; must not block. */
    void send(String type, JsonNode object);

    /** Ends the watch with an ERROR event carrying a Status (e.g. 410 Gone). */
    void fail(JsonNode status);
  }

  private final Deque<Change> history = new ArrayDeque<>();
  private final Set<Registration> watches = new CopyOnWriteArraySet<>();
  private long oldestRetained = 0;
  private final Clock clock;

  WatchHub() {
    this(Clock.systemUTC());
  }

  WatchHub(Clock clock) {
    this.clock = clock;
  }

  /** An open watch; close it when the client goes away. */
  final class Registration implements AutoCloseable {
    private final Predicate<JsonNode> filter;
    private final Sink sink;

    private Registration(Predicate<JsonNode> filter, Sink sink) {
      this.filter = filter;
      this.sink = sink;
    }

    @Override
    public void close() {
      watches.remove(this);
    }
  }

  /** Watches from a resourceVersion below {@code rv} get 410 Gone: their history is not kept (a previous run's). */
  synchronized void expireBefore(long rv) {
    oldestRetained = Math.max(oldestRetained, rv);
  }

  /** Records a change of one stored object (old/new JSON, null when absent) and delivers it. */
  synchronized void publish(String oldJson, String newJson, LongSupplier nextResourceVersion) {
    try {
      Change change;
      JsonNode object;
      if (newJson == null) {
        ObjectNode gone = (ObjectNode) JSON.readTree(oldJson);
        long rv = nextResourceVersion.getAsLong();
        ((ObjectNode) gone.path("metadata")).put("resourceVersion", String.valueOf(rv));
        object = gone;
        change = new Change(rv, "DELETED", gone.toString(), clock.millis());
      } else {
        object = JSON.readTree(newJson);
        change = new Change(resourceVersionOf(object), oldJson == null ? "ADDED" : "MODIFIED", newJson,
            clock.millis());
      }
      history.addLast(change);
      expire();
      for (Registration w : watches) {
        if (w.filter.test(object)) {
          w.sink.send(change.type(), object);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Drops the changes beyond the history's size or window (also called periodically: a quiet API publishes nothing). */
  synchronized void expire() {
    long cutoff = clock.millis() - HISTORY_WINDOW.toMillis();
    while (!history.isEmpty() && (history.size() > HISTORY || history.peekFirst().atMillis() < cutoff)) {
      oldestRetained = history.removeFirst().resourceVersion();
    }
  }

  /** Changes kept (tests). */
  synchronized int historySize() {
    return history.size();
  }

  /**
   * Opens a watch: replays what the client has not seen, then streams live changes.
   *
   * @param resourceVersion the client's resourceVersion; null, "" or "0" means "start with the current state"
   * @param current a snapshot of the stored objects (JSON), read under this hub's monitor
   */
  synchronized Registration open(Predicate<JsonNode> filter, Sink sink, String resourceVersion,
      Supplier<Collection<String>> current) {
    Registration reg = new Registration(filter, sink);
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
      List<JsonNode> objects = current.get().stream().map(WatchHub::parse)
          .filter(filter).sorted(Comparator.comparingLong(WatchHub::resourceVersionOf)).toList();
      objects.forEach(o -> sink.send("ADDED", o));
    } else {
      long since;
      try {
        since = Long.parseLong(resourceVersion);
      } catch (NumberFormatException e) {
        sink.fail(ApiStatus.of(400, "BadRequest", "invalid resourceVersion " + resourceVersion));
        return reg;
      }
      expire();
      if (since < oldestRetained) {
        sink.fail(ApiStatus.of(410, "Expired", "too old resource version: " + since + " (" + oldestRetained + ")"));
        return reg;
      }
      for (Change c : history) {
        if (c.resourceVersion() > since) {
          JsonNode object = parse(c.json());
          if (filter.test(object)) {
            sink.send(c.type(), object);
          }
        }
      }
    }
    watches.add(reg);
    return reg;
  }

  /** Number of open watches (for tests and diagnostics). */
  int openWatches() {
    return watches.size();
  }

  static long resourceVersionOf(JsonNode o) {
    try {
      return Long.parseLong(o.path("metadata").path("resourceVersion").asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
