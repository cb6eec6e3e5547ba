package tf.ourworld.hero.procservice.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tf.ourworld.hero.procservice.model.HttpHeader;

/**
 * A unix-socket probe of a pod, run by the pod's probe agent: asks the agent over TCP to run the
 * probe once and takes its verdict. The failure texts are the agent's (the same checks as in the
 * operator) with {@link AgentProtocol#VIA} appended, so thresholds and messages stay the same.
 */
final class AgentCheck implements ProbeCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REPLY_BYTES = 16 * 1024;

  private final String kind;
  private final String target;
  private final Endpoint agent;
  private final byte[] request;

  /**
   * @param kind the probe's kind (httpGet, tcpSocket, openRpc, grpc)
   * @param target what the agent probes, as the operator would describe it (e.g. GET unix:ui.sock/health)
   */
  AgentCheck(String kind, String target, String probeName, AgentRoute route) {
    this.kind = kind;
    this.target = target;   // what is probed; the error texts say by whom
    this.agent = Endpoint.tcp(route.host(), route.port());
    String path = AgentProtocol.PATH + URLEncoder.encode(probeName, StandardCharsets.UTF_8);
    this.request = HttpExchange.request("POST", agent.authority(), path,
        List.of(new HttpHeader("Authorization", "Bearer " + route.token())), "application/json", new byte[0]);
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public long timeoutAllowanceNanos() {
    return AgentProtocol.ALLOWANCE_NANOS;
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    HttpExchange.Reply reply;
    try {
      reply = HttpExchange.exchange(agent.open(call), request, MAX_REPLY_BYTES);
    } catch (ProbeFailure e) {
      throw new ProbeFailure("probe agent at " + agent.describe() + ": " + e.getMessage() + AgentProtocol.VIA);
    } catch (IOException e) {
      if (call.expired()) {
        throw e;   // the invoker says "timed out"
      }
      throw new ProbeFailure("probe agent at " + agent.describe() + ": " + ProbeInvoker.describe(e)
          + AgentProtocol.VIA);
    }
    switch (reply.status()) {
      case 200 -> verdict(reply);
      case 401 -> throw new ProbeFailure("probe agent refused the pod's token (HTTP 401): the agent Secret"
          + " and the pod disagree; the agent re-reads its mounted Secret" + AgentProtocol.VIA);
      case 404 -> throw new ProbeFailure("probe agent does not run this probe (HTTP 404): the pod predates"
          + " the probe and is replaced" + AgentProtocol.VIA);
      case 429 -> throw new ProbeFailure("probe agent is still running the previous run (HTTP 429)"
          + AgentProtocol.VIA);
      default -> throw new ProbeFailure("probe agent answered HTTP " + reply.status() + AgentProtocol.VIA);
    }
  }

  private static void verdict(HttpExchange.Reply reply) throws ProbeFailure {
    JsonNode answer;
    try {
      answer = JSON.readTree(reply.body());
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !answer.path("passed").isBoolean()) {
      throw new ProbeFailure("probe agent sent no verdict" + AgentProtocol.VIA);
    }
    if (!answer.get("passed").asBoolean()) {
      String error = answer.path("error").asText("");
      throw new ProbeFailure((error.isEmpty() ? "failed" : error) + AgentProtocol.VIA);
    }
  }
}
