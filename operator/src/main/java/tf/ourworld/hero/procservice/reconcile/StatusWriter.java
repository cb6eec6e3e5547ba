package tf.ourworld.hero.procservice.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.status.StatusDiff;

/**
 * Writes status as a JSON merge patch on /status, only when it differs from what the server holds.
 *
 * <p>What the server holds is the cached resource's status, unless the cache still holds the very
 * version our last patch was computed from: then the server holds our last write on top of it, and
 * the cache has not caught up yet. The versions are compared for equality only, never for order.
 *
 * <p>It also knows the version each of its writes produced ({@link #isOwnWrite}), so that the
 * informer's echo of a write can be told from anyone else's change.
 */
public final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Our last write of one service: the status as JSON text (a parsed tree costs ten times as much
   * heap), the resourceVersion of the cached resource it was computed from, and the one it made.
   */
  private record Written(String status, String from, String made) {
  }

  private final KubernetesClient client;
  private final Map<ResourceID, Written> lastWritten = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Returns true when a write was made. */
  public boolean write(ProcService resource, ProcServiceStatus status) {
    ResourceID id = ResourceID.fromResource(resource);
    String version = resource.getMetadata().getResourceVersion();
    JsonNode wanted = StatusDiff.tree(status);
    Written last = lastWritten.get(id);
    boolean cacheBehindUs = last != null && Objects.equals(version, last.from());
    JsonNode current = cacheBehindUs ? parse(last.status()) : StatusDiff.tree(resource.getStatus());
    if (wanted.equals(current)) {
      return false;
    }
    JsonNode diff = StatusDiff.mergePatch(current, wanted);
    if (last != null && !cacheBehindUs && diff instanceof ObjectNode d) {
      // The cache holds a version that is not the one we computed from; it may still be older than
      // our write (someone else's write in between): remove what our last write added, too.
      parse(last.status()).fieldNames().forEachRemaining(k -> {
        if (!wanted.has(k) && !d.has(k)) {
          d.putNull(k);
        }
      });
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.set("status", diff);
    try {
      // Through the cached resource, not withName(): given only a name, fabric8 GETs the object
      // before every patch (10,000 GETs at a cold start of 10,000 services). The merge patch carries
      // no resourceVersion either way: it is not a precondition.
      ProcService made = client.resources(ProcService.class).inNamespace(resource.getMetadata().getNamespace())
          .resource(resource).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      lastWritten.put(id, new Written(wanted.toString(), version,
          made == null || made.getMetadata() == null ? null : made.getMetadata().getResourceVersion()));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        lastWritten.remove(id);
        return false;
      }
      throw e;
    }
  }

  /** Whether this version of the resource is the one our last status write made (its echo). */
  public boolean isOwnWrite(ProcService resource) {
    if (resource == null || resource.getMetadata() == null || resource.getMetadata().getResourceVersion() == null) {
      return false;
    }
    Written last = lastWritten.get(ResourceID.fromResource(resource));
    return last != null && resource.getMetadata().getResourceVersion().equals(last.made());
  }

  public void forget(ResourceID id) {
    lastWritten.remove(id);
  }

  /** Back to a tree through the model, so its numbers have the types {@link StatusDiff#tree} gives them. */
  private static JsonNode parse(String json) {
    try {
      return StatusDiff.tree(JSON.readValue(json, ProcServiceStatus.class));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
