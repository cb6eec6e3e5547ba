package tf.ourworld.hero.procservice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The {@code server} process: JSON-RPC 2.0 with rpc.discover and ping, plus GET /health. */
final class RpcHandler implements DemoHttpServer.Handler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public DemoHttpServer.Response handle(DemoHttpServer.Request req) {
    if (req.method().equals("GET") && req.path().equals("/health")) {
      return DemoHttpServer.Response.text(200, "ok\n");
    }
    if (req.method().equals("POST") && (req.path().equals("/") || req.path().equals("/rpc"))) {
      return new DemoHttpServer.Response(200, "application/json", call(req.body()));
    }
    if (req.method().equals("GET") && req.path().equals("/.well-known/openrpc.json")) {
      return new DemoHttpServer.Response(200, "application/json", openRpc().toString());
    }
    return DemoHttpServer.Response.text(404, "not found\n");
  }

  @Override
  public String handleRaw(String json) {
    return call(json);
  }

  /** Answers one JSON-RPC 2.0 request. */
  static String call(String body) {
    ObjectNode reply = JSON.createObjectNode();
    reply.put("jsonrpc", "2.0");
    JsonNode req;
    try {
      req = JSON.readTree(body);
    } catch (IOException e) {
      reply.putNull("id");
      error(reply, -32700, "Parse error");
      return reply.toString();
    }
    reply.set("id", req.has("id") ? req.get("id") : JSON.nullNode());
    String method = req.path("method").asText("");
    switch (method) {
      case "rpc.discover" -> reply.set("result", openRpc());
      case "ping" -> reply.put("result", "pong");
      default -> error(reply, -32601, "Method not found: " + method);
    }
    return reply.toString();
  }

  private static void error(ObjectNode reply, int code, String message) {
    ObjectNode e = reply.putObject("error");
    e.put("code", code);
    e.put("message", message);
  }

  static ObjectNode openRpc() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openrpc", "1.2.6");
    ObjectNode info = doc.putObject("info");
    info.put("title", "hero_foundry (procservice demo)");
    info.put("version", "0.1.0");
    ObjectNode ping = doc.putArray("methods").addObject();
    ping.put("name", "ping");
    ping.putArray("params");
    ObjectNode result = ping.putObject("result");
    result.put("name", "pong");
    result.putObject("schema").put("type", "string");
    return doc;
  }
}
