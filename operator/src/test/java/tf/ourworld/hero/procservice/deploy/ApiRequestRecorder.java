package tf.ourworld.hero.procservice.deploy;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Collects the requests a KubernetesMockServer received, for {@link RbacAudit}. */
public final class ApiRequestRecorder {
  private ApiRequestRecorder() {
  }

  /** Takes every request the server has recorded so far (and that no one took before). */
  public static List<ApiRequest> drain(KubernetesMockServer server) {
    List<ApiRequest> out = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        out.add(new ApiRequest(r.getMethod(), r.getPath()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }
}
