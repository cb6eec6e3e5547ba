package tf.ourworld.hero.procservice.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.status.StatusDiff;

/**
 * Writes status on /status, only when it differs from what the server holds, and then whole: a
 * JSON patch that sets {@code /status} to the status wanted, whatever the server held before
 * (the operator owns status; a merge patch from a stale copy could leave keys behind).
 *
 * <p>What the server holds is the cached resource's status, unless the cache still holds the very
 * version our last write was computed from: then the server holds our last write on top of it, and
 * the cache has not caught up yet. The versions are compared for equality only, never for order.
 *
 * <p>It also knows the version each of its writes produced ({@link #isOwnWrite}), so that the
 * informer's echo of a write can be told from anyone else's change.
 */
public final class StatusWriter {
  /**
   * Our last write of one service: a digest of the status written (what it is compared with while
   * the cache lags; the status itself would cost a kilobyte per service), the resourceVersion of
   * the cached resource it was computed from, and the one it made (null while it is in flight).
   */
  private record Written(byte[] digest, String from, String made) {
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
    byte[] digest = digest(wanted);
    Written last = lastWritten.get(id);
    boolean cacheBehindUs = last != null && Objects.equals(version, last.from());
    if (cacheBehindUs ? Arrays.equals(digest, last.digest()) : wanted.equals(StatusDiff.tree(resource.getStatus()))) {
      return false;
    }
    ObjectNode set = JsonNodeFactory.instance.objectNode().put("op", "add").put("path", "/status");
    set.set("value", wanted);
    // In flight (made unknown): the informer's echo may come before the response does, and is
    // then told by its content (isOwnWrite). Put back as it was if the write does not go through.
    lastWritten.put(id, new Written(digest, version, null));
    boolean done = false;
    try {
      // Through the cached resource, not withName(): given only a name, fabric8 GETs the object
      // before every patch (10,000 GETs at a cold start of 10,000 services). The patch carries no
      // resourceVersion either way: it is not a precondition.
      ProcService made = client.resources(ProcService.class).inNamespace(resource.getMetadata().getNamespace())
          .resource(resource).subresource("status")
          .patch(PatchContext.of(PatchType.JSON), JsonNodeFactory.instance.arrayNode().add(set).toString());
      lastWritten.put(id, new Written(digest, version,
          made == null || made.getMetadata() == null ? null : made.getMetadata().getResourceVersion()));
      done = true;
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        lastWritten.remove(id);
        done = true;
        return false;
      }
      throw e;
    } finally {
      if (!done) {
        if (last == null) {
          lastWritten.remove(id);
        } else {
          lastWritten.put(id, last);
        }
      }
    }
  }

  /**
   * Whether this version of the resource is the one our last status write made (its echo): told by
   * the resourceVersion the write made, or, while that write's response has not come back yet, by
   * its status being the one being written.
   */
  public boolean isOwnWrite(ProcService resource) {
    if (resource == null || resource.getMetadata() == null || resource.getMetadata().getResourceVersion() == null) {
      return false;
    }
    Written last = lastWritten.get(ResourceID.fromResource(resource));
    if (last == null) {
      return false;
    }
    if (last.made() != null) {
      return resource.getMetadata().getResourceVersion().equals(last.made());
    }
    return !resource.getMetadata().getResourceVersion().equals(last.from())
        && Arrays.equals(last.digest(), digest(StatusDiff.tree(resource.getStatus())));
  }

  public void forget(ResourceID id) {
    lastWritten.remove(id);
  }

  private static byte[] digest(JsonNode status) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(status.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
