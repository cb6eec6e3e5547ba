package tf.ourworld.hero.procservice.observability;

import tf.ourworld.hero.procservice.model.Reason;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about a resource, deduplicated like kubelet's: the same (object, type,
 * reason, message) again within {@link #DEDUP_WINDOW} bumps {@code count} and {@code lastTimestamp}
 * of the Event already written, so {@code kubectl describe} shows "(x3 over 5m)" instead of three lines.
 *
 * <p>Calls return at once: Events are written on the recorder's own thread, failures are logged
 * and swallowed (an Event is never worth failing a reconcile for), and when the API server is too
 * slow to keep up the oldest pending ones are not dropped but new ones are, with a warning.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  public static final String NORMAL = Reason.NORMAL;
  public static final String WARNING = Reason.WARNING;
  public static final String COMPONENT = "procservice-operator";
  /** Same window as client-go's event correlator: a repeat after it starts a new Event. */
  public static final Duration DEDUP_WINDOW = Duration.ofMinutes(10);
  /** core/v1 validation caps an Event message at 1 kB (bytes); longer messages are cut. */
  static final int MAX_MESSAGE = 1024;
  private static final int QUEUE = 1000;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final ThreadPoolExecutor writer;
  /** Events written recently, by what makes them the same; only touched on the writer thread. */
  private final Map<Key, Written> recent = new HashMap<>();
  private long lastNameNanos;

  /** Writes as this host (the pod name in a cluster). */
  public EventRecorder(KubernetesClient client) {
    this(client, Clock.systemUTC(), defaultInstance());
  }

  /**
   * @param reportingInstance who writes, e.g. the operator's pod name ({@code reportingInstance} of the Event)
   */
  public EventRecorder(KubernetesClient client, Clock clock, String reportingInstance) {
    this.client = client;
    this.clock = clock;
    this.instance = truncate(reportingInstance, 128);
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "event-recorder");
      t.setDaemon(true);
      return t;
    });
  }

  /** Records an Event with the reason's type (Normal or Warning). */
  public void record(HasMetadata object, Reason reason, String message) {
    record(object, reason.eventType(), reason.name(), message);
  }

  /**
   * Records an Event about {@code object}. {@code message}: capitalised, one line, no secrets
   * (newlines are replaced by spaces, over 1 kB is cut). Never throws.
   */
  public void record(HasMetadata object, String type, String reason, String message) {
    try {
      Key key = new Key(object.getMetadata().getNamespace(), object.getMetadata().getName(),
          object.getMetadata().getUid(), type, reason, oneLine(message));
      ObjectSnapshot target = ObjectSnapshot.of(object);
      writer.execute(() -> write(key, target));
    } catch (RejectedExecutionException e) {
      log.atWarn().addKeyValue("event", "event_dropped").addKeyValue("reason", reason)
          .log("Dropped Event {}: {} Events already waiting to be written", reason, QUEUE);
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("event", "event_failed").addKeyValue("reason", reason).addKeyValue("error", e.toString())
          .log("Cannot record Event {}", reason);
    }
  }

  private void write(Key key, ObjectSnapshot target) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    forgetOlderThan(now.minus(DEDUP_WINDOW));
    try {
      Written seen = recent.get(key);
      if (seen != null && bump(key, seen, now)) {
        return;
      }
      Event created = client.v1().events().inNamespace(key.namespace()).resource(newEvent(key, target, now)).create();
      recent.put(key, new Written(created.getMetadata().getName(), 1, now));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("event", "event_failed").addKeyValue("namespace", key.namespace())
          .addKeyValue("name", key.name()).addKeyValue("reason", key.reason()).addKeyValue("error", e.getMessage())
          .log("Cannot write Event {} for {}/{}", key.reason(), key.namespace(), key.name());
    }
  }

  /** Bumps count and lastTimestamp of an Event written before; false when it is gone and a new one is needed. */
  private boolean bump(Key key, Written seen, Instant now) {
    int count = seen.count() + 1;
    String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}";
    try {
      // Patching through resource(..) sends only the PATCH; withName(..).patch(..) would GET the Event first.
      Event ref = new EventBuilder().withNewMetadata().withName(seen.eventName()).withNamespace(key.namespace())
          .endMetadata().build();
      client.v1().events().inNamespace(key.namespace()).resource(ref).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      recent.put(key, new Written(seen.eventName(), count, now));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        recent.remove(key);
        return false;
      }
      throw e;
    }
  }

  private Event newEvent(Key key, ObjectSnapshot target, Instant now) {
    return new EventBuilder()
        .withNewMetadata()
          .withName(key.name() + "." + Long.toHexString(nextNameNanos()))
          .withNamespace(key.namespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(target.apiVersion())
            .withKind(target.kind())
            .withNamespace(key.namespace())
            .withName(key.name())
            .withUid(key.uid())
            .withResourceVersion(target.resourceVersion())
            .build())
        .withType(key.type())
        .withReason(key.reason())
        .withMessage(key.message())
        .withCount(1)
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .build();
  }

  /** client-go's naming, {@code <object>.<hex unix nanos>}: sorted by time, made unique when two share a tick. */
  private long nextNameNanos() {
    Instant t = clock.instant();
    lastNameNanos = Math.max(lastNameNanos + 1, t.getEpochSecond() * 1_000_000_000L + t.getNano());
    return lastNameNanos;
  }

  private void forgetOlderThan(Instant cutoff) {
    for (Iterator<Written> it = recent.values().iterator(); it.hasNext(); ) {
      if (it.next().last().isBefore(cutoff)) {
        it.remove();
      }
    }
  }

  /** Waits until every Event recorded so far has been written (or failed); for shutdown and tests. */
  public boolean flush(Duration timeout) {
    try {
      return writer.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS) == null;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.shutdownNow();
  }

  static String oneLine(String message) {
    String s = Objects.requireNonNullElse(message, "").replaceAll("[\\r\\n\\t]+", " ").strip();
    // The API server counts bytes, not characters.
    if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_MESSAGE) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int bytes = 3; // the "..." appended
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes + len > MAX_MESSAGE) {
        break;
      }
      out.appendCodePoint(cp);
      bytes += len;
      i += Character.charCount(cp);
    }
    return out.append("...").toString();
  }

  private static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    return s.substring(0, max - 3) + "...";
  }

  private static String defaultInstance() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return COMPONENT;
    }
  }

  private record Key(String namespace, String name, String uid, String type, String reason, String message) {
  }

  private record Written(String eventName, int count, Instant last) {
  }

  /** What the Event needs from the object, copied on the caller's thread (the object may change later). */
  private record ObjectSnapshot(String apiVersion, String kind, String resourceVersion) {
    static ObjectSnapshot of(HasMetadata o) {
      return new ObjectSnapshot(o.getApiVersion(), o.getKind(), o.getMetadata().getResourceVersion());
    }
  }
}
