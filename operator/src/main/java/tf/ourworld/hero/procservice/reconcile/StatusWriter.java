package tf.ourworld.hero.procservice.reconcile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>The patch goes through the client's HTTP client (its authentication, TLS and retries), not
 * its resource DSL: the DSL decodes every response into a ProcService, and only the response's
 * resourceVersion is needed (the informer decodes the same object from the watch anyway). At a
 * cold start of 10,000 services those decodes were 7 % of the operator's Java CPU.
 */
public final class StatusWriter {
  /**
   * Our last write of one service: a digest of the status written (what it is compared with while
   * the cache lags; the status itself would cost a kilobyte per service), the resourceVersion of
   * the cached resource it was computed from, and the one it made (null while it is in flight).
   */
  private record Written(byte[] digest, String from, String made) {
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final String JSON_PATCH = "application/json-patch+json";
  /** The resource's path under the API server's URL, up to the namespace. */
  private static final String API_PATH = "/apis/" + HasMetadata.getGroup(ProcService.class) + "/"
      + HasMetadata.getVersion(ProcService.class) + "/namespaces/";
  private static final String PLURAL = HasMetadata.getPlural(ProcService.class);

  private final KubernetesClient client;
  /** The API server's URL and {@link #API_PATH}. */
  private final String apiUrl;
  private final Map<ResourceID, Written> lastWritten = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client) {
    this.client = client;
    this.apiUrl = client.getMasterUrl().toString().replaceAll("/+$", "") + API_PATH;
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
      // The patch carries no resourceVersion: it is not a precondition.
      String made = patchStatus(resource, JsonNodeFactory.instance.arrayNode().add(set).toString());
      lastWritten.put(id, new Written(digest, version, made));
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

  /** PATCHes /status; returns the resourceVersion the write made (null if the response has none). */
  private String patchStatus(ProcService resource, String jsonPatch) {
    String ns = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    String url = apiUrl + URLEncoder.encode(ns, StandardCharsets.UTF_8) + "/" + PLURAL + "/"
        + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/status";
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
        .method("PATCH", JSON_PATCH, jsonPatch)
        .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
        .build();
    HttpResponse<byte[]> response;
    try {
      response = client.getHttpClient().sendAsync(request, byte[].class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while writing the status of " + ns + "/" + name, e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException("writing the status of " + ns + "/" + name + " failed: "
          + e.getCause().getMessage(), e.getCause());
    }
    byte[] body = response.body();
    if (!response.isSuccessful()) {
      String why = failureMessage(body);
      throw new KubernetesClientException("writing the status of " + ns + "/" + name + " was refused: HTTP "
          + response.code() + ": " + why, response.code(),
          new StatusBuilder().withCode(response.code()).withMessage(why).build());
    }
    return resourceVersion(body);
  }

  /** metadata.resourceVersion of an object, read without decoding the rest. */
  static String resourceVersion(byte[] object) {
    if (object == null) {
      return null;
    }
    try (JsonParser p = JSON.createParser(object)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if ("resourceVersion".equals(key) && v == JsonToken.VALUE_STRING) {
              return p.getText();
            }
            p.skipChildren();
          }
          return null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The message of a Kubernetes Status in a refusal (what the API server says is wrong), bounded. */
  private static String failureMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "(no message)";
    }
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ("message".equals(field) && v == JsonToken.VALUE_STRING) {
            String m = p.getText();
            return m.length() > 500 ? m.substring(0, 500) + "..." : m;
          }
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // not JSON: said below
    }
    return "(a response that is not a Kubernetes Status)";
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
