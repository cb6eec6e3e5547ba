package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import tf.ourworld.hero.procservice.model.CrdDefinition;

/** The fabric8 mock API server in CRUD mode with the ProcService CRD installed, and a client on it. */
public final class MockApi implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(CrdDefinition.load()).create();
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
