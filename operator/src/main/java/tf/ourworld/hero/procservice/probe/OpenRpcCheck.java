package tf.ourworld.hero.procservice.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import dev.cel.common.values.NullValue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * openRpc: one JSON-RPC 2.0 request, over an HTTP POST or as a newline-terminated message on the
 * raw stream. Passes when the reply is valid JSON-RPC, echoes the id and carries a result or an
 * error whose code is accepted.
 */
final class OpenRpcCheck implements ProbeCheck {
  /** JSON-RPC replies are read whole (rpc.discover documents can be large) up to this size. */
  static final int MAX_REPLY_BYTES = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong IDS = new AtomicLong();

  private final Endpoint endpoint;
  private final boolean raw;
  private final String path;
  private final String method;
  private final JsonNode params;
  private final Set<Integer> acceptErrorCodes;
  private final StatusCodes statusCodes;
  private final Pattern bodyRegex;
  private final int maxBodyBytes;
  private final CelExpression cel;
  private final String target;

  OpenRpcCheck(Endpoint endpoint, boolean raw, String path, String method, JsonNode params,
      List<Integer> acceptErrorCodes, StatusCodes statusCodes, Pattern bodyRegex, int maxBodyBytes,
      CelExpression cel) {
    this.cel = cel;
    this.endpoint = endpoint;
    this.raw = raw;
    this.path = path;
    this.method = method;
    this.params = params;
    this.acceptErrorCodes = acceptErrorCodes == null ? Set.of() : Set.copyOf(acceptErrorCodes);
    this.statusCodes = statusCodes;
    this.bodyRegex = bodyRegex;
    this.maxBodyBytes = maxBodyBytes;
    this.target = method + " " + (raw ? "raw " + endpoint.describe()
        : "POST " + (endpoint.isUnix() ? endpoint.describe() : "http://" + endpoint.describe()) + path);
  }

  @Override
  public String kind() {
    return "openRpc";
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    long id = IDS.incrementAndGet();
    byte[] request = request(id);
    Wire wire = endpoint.open(call);
    byte[] reply;
    int status = 0;
    Map<String, String> headers = Map.of();
    if (raw) {
      byte[] line = new byte[request.length + 1];
      System.arraycopy(request, 0, line, 0, request.length);
      line[request.length] = '\n';
      HttpExchange.send(wire, line);
      reply = readLine(wire);
    } else {
      HttpExchange.Reply http = HttpExchange.exchange(wire, HttpExchange.request("POST", endpoint.authority(),
          path, List.of(), "application/json", request), MAX_REPLY_BYTES, cel != null && cel.uses("headers"));
      status = http.status();
      headers = http.headers();
      if (!statusCodes.accepts(http.status())) {
        throw new ProbeFailure("HTTP " + http.status());
      }
      if (http.truncated()) {
        throw new ProbeFailure("JSON-RPC reply larger than 1 MiB");
      }
      reply = http.body();
    }
    if (bodyRegex != null) {
      String text = new String(reply, 0, Math.min(reply.length, maxBodyBytes), StandardCharsets.UTF_8);
      HttpGetCheck.requireBodyMatch(bodyRegex, text, call);
    }
    JsonNode node = verify(reply, id, acceptErrorCodes);
    if (cel != null) {
      int shown = Math.min(reply.length, maxBodyBytes);
      String text = new String(reply, 0, shown, StandardCharsets.UTF_8);
      byte[] body = shown == reply.length ? reply : java.util.Arrays.copyOf(reply, shown);
      Map<String, Object> vars = HttpGetCheck.celVars(status, headers, text, body, cel);
      // result and error come from the whole reply, which verify has already parsed
      vars.put("json", cel.uses("json") ? CelExpression.value(node) : NullValue.NULL_VALUE);
      vars.put("result", CelExpression.value(node.get("result")));
      vars.put("error", CelExpression.value(node.get("error")));
      cel.require(vars, call);
    }
  }

  byte[] request(long id) {
    ObjectNode node = JSON.createObjectNode();
    node.put("jsonrpc", "2.0");
    node.put("id", id);
    node.put("method", method);
    if (params != null && !params.isNull() && !params.isMissingNode()) {
      node.set("params", params);
    }
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON-RPC request", e);
    }
  }

  /** Reads one newline-terminated message (or up to end of stream). */
  private static byte[] readLine(Wire wire) throws IOException, ProbeFailure {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    byte[] buf = new byte[8192];
    while (true) {
      int n;
      try {
        n = wire.read(buf, 0, buf.length);
      } catch (IOException e) {
        if (out.size() == 0 && HttpExchange.peerGone(e)) {
          throw new ProbeFailure("empty reply (connection reset)");
        }
        throw e;
      }
      if (n <= 0) {
        if (out.size() == 0) {
          throw new ProbeFailure("empty reply");
        }
        return out.toByteArray();
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          out.write(buf, 0, i);
          return out.toByteArray();
        }
      }
      out.write(buf, 0, n);
      if (out.size() > MAX_REPLY_BYTES) {
        throw new ProbeFailure("JSON-RPC reply larger than 1 MiB");
      }
    }
  }

  /** Checks a reply against the request id; throws with the error text when it does not pass. */
  static JsonNode verify(byte[] reply, long id, Set<Integer> acceptErrorCodes) throws ProbeFailure {
    JsonNode node;
    try {
      node = JSON.readTree(reply);
    } catch (IOException e) {
      throw new ProbeFailure("malformed JSON-RPC reply");
    }
    if (node == null || node.isMissingNode()) {
      throw new ProbeFailure("malformed JSON-RPC reply (empty body)");
    }
    if (!node.isObject() || !"2.0".equals(node.path("jsonrpc").asText(null))) {
      throw new ProbeFailure("malformed JSON-RPC reply");
    }
    JsonNode replyId = node.get("id");
    JsonNode error = node.get("error");
    boolean hasResult = node.has("result");
    // A server that could not read our request answers with id null and an error: report the error.
    boolean nullIdError = (replyId == null || replyId.isNull()) && error != null;
    if (!nullIdError && (replyId == null || !Long.toString(id).equals(replyId.asText()))) {
      throw new ProbeFailure("JSON-RPC id mismatch");
    }
    if (hasResult && error == null) {
      return node;
    }
    if (error == null || !error.isObject() || !error.path("code").isIntegralNumber() || hasResult) {
      throw new ProbeFailure("malformed JSON-RPC reply");
    }
    int code = error.path("code").asInt();
    if (acceptErrorCodes.contains(code)) {
      return node;
    }
    throw new ProbeFailure("JSON-RPC error " + code + " " + printable(error.path("message").asText("")));
  }

  /** The server's error message, shortened and without control characters. */
  private static String printable(String message) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < message.length() && sb.length() < 120; i++) {
      char c = message.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    return sb.toString().trim();
  }
}
