package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;

/** HTTP/1.1 GET; passes on an expected status code (default 200-399) and optional body match. */
public class HttpGetAction {
  @JsonPropertyDescription("Request path.")
  @Default("/")
  private String path = "/";

  @JsonPropertyDescription("Port number or the name of a port of the probe's process.")
  private IntOrString port;

  @JsonPropertyDescription("Host to connect to; defaults to the pod IP (Pod, Track) or 127.0.0.1 (Process).")
  private String host;

  @JsonPropertyDescription("Unix socket path instead of a port: relative to the service's runtime dir, or absolute under an allowed socket root. Not for runtime Pod.")
  private String unixSocket;

  @JsonPropertyDescription("HTTP (default) or HTTPS (certificates are not verified, as kubelet does).")
  @Default("HTTP")
  private Scheme scheme = Scheme.HTTP;

  @JsonPropertyDescription("Extra request headers.")
  private List<HttpHeader> httpHeaders = new ArrayList<>();

  /** URI scheme of an HTTP probe. */
  public enum Scheme {
    HTTP, HTTPS
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

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

  public Scheme getScheme() {
    return scheme;
  }

  public void setScheme(Scheme scheme) {
    this.scheme = scheme;
  }

  public List<HttpHeader> getHttpHeaders() {
    return httpHeaders;
  }

  public void setHttpHeaders(List<HttpHeader> httpHeaders) {
    this.httpHeaders = httpHeaders;
  }
}
