package tf.ourworld.hero.procservice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tf.ourworld.hero.procservice.local.MergePatch;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;

/**
 * Makes the CRUD mock apply JSON merge patches as RFC 7386 says. The mock merges them with Jackson's
 * updating reader, which appends to arrays instead of replacing them, so a status patch would grow
 * {@code conditions} forever. A merge patch is applied here and stored with a PUT.
 */
public class MergePatchDispatcher extends Dispatcher {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final KubernetesCrudDispatcher crud;

  public MergePatchDispatcher(KubernetesCrudDispatcher crud) {
    this.crud = crud;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if ("PATCH".equals(request.getMethod()) && type != null && type.startsWith("application/merge-patch+json")) {
      return mergePatch(request);
    }
    return crud.dispatch(request);
  }

  private MockResponse mergePatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String plain = q < 0 ? path : path.substring(0, q);
    String getPath = plain.endsWith("/status") ? plain.substring(0, plain.length() - "/status".length()) : plain;
    MockResponse current = crud.handleGet(getPath);
    if (current.code() != 200) {
      return current;
    }
    try {
      JsonNode target = MAPPER.readTree(current.getBody().getBytes());
      JsonNode patch = MAPPER.readTree(request.getUtf8Body());
      JsonNode merged = apply(target, patch);
      RecordedRequest put = new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, plain, request.getHeaders(),
          new Buffer(MAPPER.writeValueAsBytes(merged)));
      return crud.handleUpdate(put);
    } catch (IOException e) {
      return new MockResponse().setResponseCode(400).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
          + "\"Failure\",\"reason\":\"BadRequest\",\"code\":400,\"message\":\"invalid merge patch: "
          + e.getMessage().replace('"', '\'') + "\"}");
    }
  }

  /** RFC 7386: objects merge recursively, null removes, anything else (arrays too) replaces. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    return MergePatch.apply(target, patch);
  }
}
