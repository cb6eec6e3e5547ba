package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Objects;

/**
 * The in-memory object store: fabric8's CRUD mock dispatcher, with every change also published to
 * the {@link WatchHub} (for HTTP-streamed watches) and to the discovery registry (for CRDs), and
 * timestamps normalised to the RFC 3339 form Go clients require.
 */
final class ApiStore extends KubernetesCrudDispatcher {
  private final WatchHub hub;
  private final ApiResourceRegistry registry;
  /** Where every change is kept before it is acknowledged; null: in memory only. */
  private final ObjectDatabase database;

  ApiStore(WatchHub hub, ApiResourceRegistry registry) {
    this(hub, registry, null);
  }

  ApiStore(WatchHub hub, ApiResourceRegistry registry, ObjectDatabase database) {
    this.hub = hub;
    this.registry = registry;
    this.database = database;
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
        GenericKubernetesResource resource = Serialization.unmarshal(o.json(), GenericKubernetesResource.class);
        super.processEvent(o.path(), getKey(o.path()), null, resource, o.json());
        trackCrd(o.json(), false);
      }
      long last = database.resourceVersion();
      // The mock's counter is private: advancing it through its only door is cheap (an AtomicLong).
      while (super.requestResourceVersion() < last) {
        // advancing
      }
      hub.expireBefore(last);
    }
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    // All writes come through here: hold the hub's monitor so a watch opening now sees the
    // store and the change history consistently.
    synchronized (hub) {
      String existing = oldAttributes == null ? null : map.get(oldAttributes);
      String normalised = normaliseTimestamps(newState);
      if (existing == null && normalised != null) {
        normalised = withRandomUid(normalised);
      }
      boolean changed = !Objects.equals(existing, normalised);
      long deletedAt = 0;
      if (changed && database != null) {
        // Kept on disk first: if that fails, the request fails and memory is unchanged.
        if (normalised == null) {
          deletedAt = requestResourceVersion();
          database.delete(keyOf(existing), deletedAt);
        } else {
          database.put(keyOf(normalised), path, normalised, WatchHub.resourceVersionOf(parse(normalised)));
        }
      }
      super.processEvent(path, pathAttributes, oldAttributes, resource, normalised);
      if (changed) {
        long rv = deletedAt;
        hub.publish(existing, normalised, rv > 0 ? () -> rv : this::requestResourceVersion);
        trackCrd(normalised != null ? normalised : existing, normalised == null);
      }
    }
  }

  /** The identity of a stored object: group, kind, namespace, name. */
  static String keyOf(String json) {
    JsonNode o = parse(json);
    String apiVersion = o.path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    JsonNode meta = o.path("metadata");
    return group + "/" + o.path("kind").asText("") + "/" + meta.path("namespace").asText("") + "/"
        + meta.path("name").asText("");
  }

  private static JsonNode parse(String json) {
    try {
      return Serialization.jsonMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A consistent copy of every stored object; call while holding the hub's monitor. */
  Collection<String> snapshot() {
    return new ArrayList<>(map.values());
  }

  private void trackCrd(String json, boolean deleted) {
    if (json == null || !json.contains("\"CustomResourceDefinition\"")) {
      return;
    }
    CustomResourceDefinition crd = Serialization.unmarshal(json, CustomResourceDefinition.class);
    if (!"CustomResourceDefinition".equals(crd.getKind()) || crd.getSpec() == null) {
      return;
    }
    if (deleted) {
      registry.removeCrd(crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural());
    } else {
      registry.addCrd(crd);
    }
  }

  /** The mock numbers uids from zero in each run; the API server's are random, never reused. */
  static String withRandomUid(String json) {
    try {
      JsonNode node = Serialization.jsonMapper().readTree(json);
      if (node.get("metadata") instanceof ObjectNode meta) {
        meta.put("uid", java.util.UUID.randomUUID().toString());
        return Serialization.jsonMapper().writeValueAsString(node);
      }
      return json;
    } catch (java.io.IOException e) {
      return json;
    }
  }

  /**
   * The mock writes creationTimestamp with fractions of a second and deletionTimestamp as a local
   * date-time without zone, which kubectl cannot parse; rewrite both as whole-second UTC instants.
   */
  static String normaliseTimestamps(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = Serialization.jsonMapper().readTree(json);
      if (!(node.get("metadata") instanceof ObjectNode meta)) {
        return json;
      }
      boolean changed = fix(meta, "creationTimestamp", false) | fix(meta, "deletionTimestamp", true);
      return changed ? Serialization.jsonMapper().writeValueAsString(node) : json;
    } catch (java.io.IOException e) {
      return json;
    }
  }

  private static boolean fix(ObjectNode meta, String field, boolean localTimeMeansNow) {
    JsonNode v = meta.get(field);
    if (v == null || !v.isTextual()) {
      return false;
    }
    String text = v.asText();
    String fixed;
    try {
      fixed = Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      // a zone-less local date-time: the mock's "now"
      fixed = localTimeMeansNow ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString() : text;
    }
    if (fixed.equals(text)) {
      return false;
    }
    meta.put(field, fixed);
    return true;
  }
}
