package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The gRPC health protocol: {@code grpc.health.v1.Health/Check}, plaintext, over TCP or a unix
 * socket; passes on SERVING. Field names as kubelet's where they overlap (port, service).
 */
public class GrpcAction {
  @JsonPropertyDescription("Port number or the name of a port of the probe's process.")
  private IntOrString port;

  @JsonPropertyDescription("Host to connect to; defaults to the pod IP (Pod, Track) or 127.0.0.1 (Process).")
  private String host;

  @JsonPropertyDescription("Unix socket path instead of a port (not for runtime Pod).")
  private String unixSocket;

  @JsonPropertyDescription("The service name sent in the HealthCheckRequest; empty (default): the server as a whole.")
  private String service;

  public IntOrString getPort() {
    return port;
  }

  public void setPort(IntOrString port) {
    this.port = port;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getUnixSocket() {
    return unixSocket;
  }

  public void setUnixSocket(String unixSocket) {
    this.unixSocket = unixSocket;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }
}
