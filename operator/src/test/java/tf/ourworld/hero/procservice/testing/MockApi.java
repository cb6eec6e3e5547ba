package tf.ourworld.hero.procservice.testing;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tf.ourworld.hero.procservice.model.CrdDefinition;

/**
 * The fabric8 mock API server in CRUD mode with the ProcService CRD created in it, recording every
 * request (method and path) so tests can count status writes and audit RBAC.
 */
public final class MockApi implements AutoCloseable {
  /** One request the server received. */
  public record Request(String method, String path, String userAgent) {
  }

  /** The User-Agent of {@link #operatorClient()}, so the operator's requests can be told from the test's. */
  public static final String OPERATOR_AGENT = "procservice-operator-under-test";

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  /** Sees the stored object of each status write (its JSON) before the writer gets the response. */
  private volatile java.util.function.Consumer<String> beforeStatusResponse = json -> { };
  /** The answer to every status write while set, instead of the write. */
  private volatile MockResponse statusRefusal;
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final NamespacedKubernetesClient operatorClient;

  public MockApi() {
    MergePatchDispatcher crud = new MergePatchDispatcher(new KubernetesCrudDispatcher());
    io.fabric8.mockwebserver.http.Dispatcher recording = new io.fabric8.mockwebserver.http.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(new Request(request.getMethod(), request.getPath(), request.getHeader("User-Agent")));
        if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
          // what every authenticated user may ask a real API server (system:basic-user); the mock can't answer
          return new MockResponse().setResponseCode(201).setBody("{\"apiVersion\":\"authorization.k8s.io/v1\","
              + "\"kind\":\"SelfSubjectRulesReview\",\"spec\":{},\"status\":{\"incomplete\":false,"
              + "\"nonResourceRules\":[],\"resourceRules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],"
              + "\"resources\":[\"*\"]}]}}");
        }
        MockResponse refusal = statusRefusal;
        if (refusal != null && request.getPath().matches(".*/procservices/[^/?]+/status(\\?.*)?")
            && !"GET".equals(request.getMethod())) {
          return refusal;
        }
        MockResponse response = crud.dispatch(request);
        if (("PATCH".equals(request.getMethod()) || "PUT".equals(request.getMethod()))
            && request.getPath().matches(".*/procservices/[^/?]+/status(\\?.*)?") && response.getBody() != null) {
          beforeStatusResponse.accept(new String(response.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response;
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), recording, false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(CrdDefinition.load()).create();
    operatorClient = server.createClient(b -> b.editOrNewConfig().withUserAgent(OPERATOR_AGENT).endConfig());
  }

  /** A client for the operator under test: its requests are the ones RBAC must allow. */
  public NamespacedKubernetesClient operatorClient() {
    return operatorClient;
  }

  /** The operator's requests so far. */
  public List<Request> operatorRequests() {
    return requests.stream().filter(r -> OPERATOR_AGENT.equals(r.userAgent())).toList();
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Runs {@code hook} with the stored object (JSON) of every later status write, before its response
   * goes out: what an informer's watch may deliver before the writer has the response.
   */
  public void beforeStatusResponse(java.util.function.Consumer<String> hook) {
    beforeStatusResponse = hook;
  }

  /**
   * Refuses every later status write with {@code code} and a Kubernetes Status carrying {@code message}
   * (as an API server refuses an invalid one); null message: writes go through again.
   */
  public void refuseStatusWrites(int code, String message) {
    statusRefusal = message == null ? null : new MockResponse().setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"code\":" + code
            + ",\"message\":" + io.fabric8.kubernetes.client.utils.Serialization.asJson(message) + "}");
  }

  /** PATCH/PUT requests on a ProcService's /status subresource so far. */
  public long statusWrites(String name) {
    return requests.stream().filter(r -> (r.method().equals("PATCH") || r.method().equals("PUT"))
        && r.path().contains("/procservices/" + name + "/status")).count();
  }

  @Override
  public void close() {
    operatorClient.close();
    client.close();
    server.destroy();
  }
}
