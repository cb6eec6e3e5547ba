package tf.ourworld.hero.procservice.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.status.StatusDiff;

/**
 * Writes status as a JSON merge patch on /status, and only when it differs from both what the
 * cache holds and what this operator last wrote (the cache may lag behind our own write).
 */
public final class StatusWriter {
  private final KubernetesClient client;
  private final Map<ResourceID, JsonNode> lastWritten = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Returns true when a write was made. */
  public boolean write(ProcService resource, ProcServiceStatus status) {
    ResourceID id = ResourceID.fromResource(resource);
    JsonNode cached = StatusDiff.tree(resource.getStatus());
    JsonNode wanted = StatusDiff.tree(status);
    JsonNode last = lastWritten.get(id);
    if (wanted.equals(cached) || wanted.equals(last)) {
      return false;
    }
    JsonNode base = last != null && isNewer(resource, last) ? last : cached;
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.set("status", StatusDiff.mergePatch(base, wanted));
    try {
      client.resources(ProcService.class).inNamespace(resource.getMetadata().getNamespace())
          .withName(resource.getMetadata().getName()).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      lastWritten.put(id, wanted);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        lastWritten.remove(id);
        return false;
      }
      throw e;
    }
  }

  /** Our last write is newer than the cache when the cache still shows an older status. */
  private static boolean isNewer(ProcService resource, JsonNode last) {
    return !StatusDiff.tree(resource.getStatus()).equals(last);
  }

  public void forget(ResourceID id) {
    lastWritten.remove(id);
  }
}
