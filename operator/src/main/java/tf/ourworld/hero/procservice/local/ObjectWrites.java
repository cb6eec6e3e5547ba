package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What the API server does to an object on the way in, as pure functions: a create gets its uid,
 * creationTimestamp, generation 1 (and a name from generateName); an update keeps the identity
 * fields, is refused on a stale resourceVersion, bumps the generation on a change outside
 * metadata and status, and with a status subresource changes either the status or the rest.
 */
final class ObjectWrites {
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Kept from the stored object whatever an update says. */
  private static final String[] IDENTITY = {"uid", "creationTimestamp", "deletionTimestamp", "generation", "name",
      "namespace"};

  private ObjectWrites() {
  }

  /**
   * The object to store for a create in key's namespace (key's name is ignored).
   *
   * @param statusSubresource whether the status is written through {@code /status} only (then dropped here)
   * @throws ApiError 400 when the body's namespace is not the one of the request
   */
  static ObjectNode forCreate(ObjectNode body, ObjectKey key, boolean statusSubresource, Instant now, long rv) {
    ObjectNode o = body.deepCopy();
    ObjectNode meta = o.with("metadata");
    if (!meta.hasNonNull("name") && meta.hasNonNull("generateName")) {
      meta.put("name", meta.get("generateName").asText() + randomSuffix());
    }
    if (!key.namespace().isEmpty()) {
      String given = meta.path("namespace").asText("");
      if (!given.isEmpty() && !given.equals(key.namespace())) {
        throw ApiError.of(400, "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.put("namespace", key.namespace());
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", timestamp(now));
    meta.put("resourceVersion", Long.toString(rv));
    meta.put("generation", 1);
    meta.remove("deletionTimestamp");
    if (statusSubresource) {
      o.remove("status");
    }
    return o;
  }

  /**
   * The object to store for an update of {@code current}, with current's resourceVersion (the caller
   * sets the next one if the result differs from current).
   *
   * @param statusPath whether the request was on {@code /status}
   * @throws ApiError 409 when the update names a resourceVersion other than current's
   */
  static ObjectNode forUpdate(JsonNode current, ObjectNode updated, ObjectKey key, boolean statusPath,
      boolean statusSubresource) {
    String currentRv = current.path("metadata").path("resourceVersion").asText("");
    String givenRv = updated.path("metadata").path("resourceVersion").asText("");
    if (!givenRv.isEmpty() && !givenRv.equals(currentRv)) {
      throw new ApiError(ApiStatus.conflict(key.plural(), key.group(), key.name()));
    }
    ObjectNode result;
    if (statusPath) {
      result = current.deepCopy();
      copyField(updated, result, "status");
    } else {
      result = updated.deepCopy();
      if (statusSubresource) {
        copyField(current, result, "status");
      }
      copyField(current, result, "apiVersion");
      copyField(current, result, "kind");
    }
    ObjectNode meta = result.with("metadata");
    JsonNode currentMeta = current.path("metadata");
    for (String field : IDENTITY) {
      copyField(currentMeta, meta, field);
    }
    meta.put("resourceVersion", currentRv);
    if (specChanged(current, result) && currentMeta.has("generation")) {
      meta.put("generation", currentMeta.path("generation").asLong() + 1);
    }
    return result;
  }

  /** The object marked for deletion at {@code now} (when it has finalizers to wait for). */
  static ObjectNode markedForDeletion(JsonNode current, Instant now) {
    ObjectNode o = current.deepCopy();
    o.with("metadata").put("deletionTimestamp", timestamp(now));
    return o;
  }

  /** Whether the object has a finalizer left. */
  static boolean hasFinalizers(JsonNode o) {
    JsonNode f = o.path("metadata").path("finalizers");
    return f.isArray() && !f.isEmpty();
  }

  /** Whether the object is marked for deletion and nothing holds it any more: it goes now. */
  static boolean finalised(JsonNode o) {
    return o.path("metadata").hasNonNull("deletionTimestamp") && !hasFinalizers(o);
  }

  /** RFC 3339 in whole seconds, UTC: the form Go clients parse. */
  static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A change outside metadata and status: what the API server counts as a new generation. */
  private static boolean specChanged(JsonNode before, JsonNode after) {
    Set<String> fields = new HashSet<>();
    before.fieldNames().forEachRemaining(fields::add);
    after.fieldNames().forEachRemaining(fields::add);
    fields.remove("metadata");
    fields.remove("status");
    return fields.stream().anyMatch(f -> !Objects.equals(before.get(f), after.get(f)));
  }

  private static void copyField(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }

  private static String randomSuffix() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
    }
    return b.toString();
  }
}
