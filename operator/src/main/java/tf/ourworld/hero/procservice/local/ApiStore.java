package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The embedded API's objects: create, get, list, update, patch and delete with the API server's
 * rules ({@link ObjectWrites}), kept in an {@link ObjectIndex} (a request on one object costs a
 * lookup, not a scan), written to the {@link ObjectDatabase} before they are acknowledged, and
 * published to the {@link WatchHub} and, for CRDs, to discovery. Writes are serialised on the
 * hub's monitor, so a watch that opens sees the objects and the change history consistently;
 * reads take no lock.
 */
final class ApiStore {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String CRD_GROUP = "apiextensions.k8s.io";
  private static final String CRD_PLURAL = "customresourcedefinitions";

  private final WatchHub hub;
  private final ApiResourceRegistry registry;
  /** Where every change is kept before it is acknowledged; null: in memory only. */
  private final ObjectDatabase database;
  private final Clock clock;
  private final ObjectIndex index = new ObjectIndex();
  private final AtomicLong resourceVersion = new AtomicLong();

  ApiStore(WatchHub hub, ApiResourceRegistry registry, ObjectDatabase database, Clock clock) {
    this.hub = hub;
    this.registry = registry;
    this.database = database;
    this.clock = clock;
  }

  /**
   * Loads what the database holds, as it was stored (uid, resourceVersion, generation kept), and
   * continues its resourceVersions: the next one is above every one handed out before, and a watch
   * from an older one gets 410 Gone (its history is gone with the previous run).
   */
  void restore() {
    if (database == null) {
      return;
    }
    synchronized (hub) {
      for (ObjectDatabase.Stored o : database.objects()) {
        ResourcePath type = ResourcePath.parse(o.path());
        JsonNode meta = parse(o.json()).path("metadata");
        ObjectKey key = new ObjectKey(type.group(), type.plural(), meta.path("namespace").asText(""),
            meta.path("name").asText(""));
        index.put(key, o.json());
        trackCrd(key, o.json(), false);
      }
      resourceVersion.set(database.resourceVersion());
      hub.expireBefore(database.resourceVersion());
    }
  }

  /** The object at key. */
  String get(ObjectKey key) {
    String json = index.get(key);
    if (json == null) {
      throw ApiError.notFound(key);
    }
    return json;
  }

  /** Objects listed, with the resourceVersion they are the state at (where a watch goes on from). */
  record Listing(List<String> items, long resourceVersion) {
  }

  /**
   * The objects of key's type, in key's namespace ("" for all), by namespace and name. Taken
   * between two writes, so that a watch from its resourceVersion misses nothing.
   */
  Listing list(ObjectKey key) {
    synchronized (hub) {
      return new Listing(index.list(key), resourceVersion.get());
    }
  }

  /** The objects a watch of key's type and namespace starts from; call under the hub's monitor. */
  Collection<String> snapshot(ObjectKey key) {
    return index.list(key);
  }

  /** The last resourceVersion handed out. */
  long resourceVersion() {
    return resourceVersion.get();
  }

  /** How many objects gets and lists have looked at (tests tell lookups from scans by it). */
  long visited() {
    return index.visited();
  }

  /**
   * Creates an object in the collection {@code at}; returns it as stored.
   *
   * @throws ApiError 409 when the name is taken
   */
  String create(ResourcePath at, ObjectNode body, boolean statusSubresource) {
    synchronized (hub) {
      ObjectKey collection = ObjectKey.of(at);
      ObjectNode created = ObjectWrites.forCreate(body, collection, statusSubresource, clock.instant(),
          resourceVersion.get() + 1);
      ObjectKey key = collection.named(created.path("metadata").path("name").asText());
      if (index.get(key) != null) {
        throw new ApiError(ApiStatus.alreadyExists(key.plural(), key.group(), key.name()));
      }
      resourceVersion.incrementAndGet();
      return write(at, key, null, created);
    }
  }

  /**
   * Replaces the object at {@code at} (its {@code /status} when that is the subresource); returns it as stored.
   *
   * @throws ApiError 404 when there is none, 409 on a stale resourceVersion
   */
  String replace(ResourcePath at, ObjectNode body, boolean statusSubresource) {
    return update(at, current -> body, statusSubresource);
  }

  /**
   * Applies {@code change} to the current object at {@code at} and stores the result as
   * {@link #replace} does, all under the write lock: no other write comes in between.
   *
   * @param change from a copy of the current object to the object wanted; may throw an ApiError
   */
  String update(ResourcePath at, UnaryOperator<ObjectNode> change, boolean statusSubresource) {
    ObjectKey key = ObjectKey.of(at);
    boolean statusPath = "status".equals(at.subresource());
    if (statusPath && !statusSubresource) {
      throw ApiError.notFound(key);
    }
    synchronized (hub) {
      String currentJson = get(key);
      ObjectNode current = (ObjectNode) parse(currentJson);
      ObjectNode updated = ObjectWrites.forUpdate(current, change.apply(current.deepCopy()), key, statusPath,
          statusSubresource);
      if (updated.equals(current)) {
        return currentJson; // nothing changed: no new resourceVersion, no event, as the API server does
      }
      if (ObjectWrites.finalised(updated)) {
        return remove(key, currentJson); // the last finalizer of a deleted object went: so does the object
      }
      updated.with("metadata").put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
      return write(at, key, currentJson, updated);
    }
  }

  /**
   * Deletes the object at {@code at}: at once when nothing holds it, else marks it with a
   * deletionTimestamp and leaves it to its finalizers. Returns the object as it is after that.
   */
  String delete(ResourcePath at) {
    ObjectKey key = ObjectKey.of(at);
    synchronized (hub) {
      String currentJson = get(key);
      JsonNode current = parse(currentJson);
      if (!ObjectWrites.hasFinalizers(current)) {
        return remove(key, currentJson);
      }
      if (current.path("metadata").hasNonNull("deletionTimestamp")) {
        return currentJson;
      }
      ObjectNode marked = ObjectWrites.markedForDeletion(current, clock.instant());
      marked.with("metadata").put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
      return write(at, key, currentJson, marked);
    }
  }

  private String write(ResourcePath at, ObjectKey key, String oldJson, ObjectNode object) {
    String json = object.toString();
    long rv = WatchHub.resourceVersionOf(object);
    if (database != null) {
      // Kept on disk first: if that fails, the request fails and memory is unchanged.
      database.put(keyOf(object), collectionPath(at), json, rv);
    }
    index.put(key, json);
    hub.publish(oldJson, json, () -> rv);
    trackCrd(key, json, false);
    return json;
  }

  private String remove(ObjectKey key, String oldJson) {
    long rv = resourceVersion.incrementAndGet();
    if (database != null) {
      database.delete(keyOf(parse(oldJson)), rv);
    }
    index.remove(key);
    hub.publish(oldJson, null, () -> rv);
    trackCrd(key, oldJson, true);
    return oldJson;
  }

  /** The identity of a stored object in the database: group, kind, namespace, name. */
  static String keyOf(JsonNode o) {
    String apiVersion = o.path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonNode meta = o.path("metadata");
    return group + "/" + o.path("kind").asText("") + "/" + meta.path("namespace").asText("") + "/"
        + meta.path("name").asText("");
  }

  /** The collection an object was written through: what {@link #restore} reads its type from. */
  private static String collectionPath(ResourcePath at) {
    return new ResourcePath(at.group(), at.version(), at.namespace(), at.plural(), null, null, Map.of()).storePath();
  }

  private void trackCrd(ObjectKey key, String json, boolean deleted) {
    if (!CRD_GROUP.equals(key.group()) || !CRD_PLURAL.equals(key.plural())) {
      return;
    }
    CustomResourceDefinition crd = Serialization.unmarshal(json, CustomResourceDefinition.class);
    if (crd.getSpec() == null) {
      return;
    }
    if (deleted) {
      registry.removeCrd(crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural());
    } else {
      registry.addCrd(crd);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
