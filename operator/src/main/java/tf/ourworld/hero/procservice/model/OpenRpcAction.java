package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;

/** A JSON-RPC 2.0 call; passes when the reply echoes the id with a result or an accepted error code. */
public class OpenRpcAction {
  @JsonPropertyDescription("Unix socket path (relative to the service's runtime dir, or absolute under an allowed socket root).")
  private String unixSocket;

  @JsonPropertyDescription("Port number or name, instead of a unix socket.")
  private IntOrString port;

  @JsonPropertyDescription("Host to connect to; defaults to the pod IP (Pod, Track) or 127.0.0.1 (Process).")
  private String host;

  @JsonPropertyDescription("HTTP path of the POST (transport Http).")
  @Default("/")
  private String path = "/";

  @JsonPropertyDescription("Http (default): an HTTP/1.1 POST. Raw: one newline-terminated JSON message on the stream.")
  @Default("Http")
  private Transport transport = Transport.Http;

  @JsonPropertyDescription("JSON-RPC method.")
  @Default("rpc.discover")
  private String method = "rpc.discover";

  @JsonPropertyDescription("JSON-RPC params, sent as given; omitted when null.")
  @PreserveUnknownFields
  private JsonNode params;

  @JsonPropertyDescription("JSON-RPC error codes that still count as a live handler (e.g. -32601).")
  private List<Integer> acceptErrorCodes = new ArrayList<>();

  /** How the JSON-RPC request travels. */
  public enum Transport {
    Http, Raw
  }

  public String getUnixSocket() {
    return unixSocket;
  }

  public void setUnixSocket(String unixSocket) {
    this.unixSocket = unixSocket;
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

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Transport getTransport() {
    return transport;
  }

  public void setTransport(Transport transport) {
    this.transport = transport;
  }

  public String getMethod() {
    return method;
  }

  public void setMethod(String method) {
    this.method = method;
  }

  public JsonNode getParams() {
    return params;
  }

  public void setParams(JsonNode params) {
    this.params = params;
  }

  public List<Integer> getAcceptErrorCodes() {
    return acceptErrorCodes;
  }

  public void setAcceptErrorCodes(List<Integer> acceptErrorCodes) {
    this.acceptErrorCodes = acceptErrorCodes;
  }
}
