package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Passes when a connect to the port or unix socket succeeds within the timeout. */
public class TcpSocketAction {
  @JsonPropertyDescription("Port number or the name of a port of the probe's process.")
  private IntOrString port;

  @JsonPropertyDescription("Host to connect to; defaults to the pod IP (Pod, Track) or 127.0.0.1 (Process).")
  private String host;

  @JsonPropertyDescription("Unix socket path instead of a port (not for runtime Pod).")
  private String unixSocket;

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
}
