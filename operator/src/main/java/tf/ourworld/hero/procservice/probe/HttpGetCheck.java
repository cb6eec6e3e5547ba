package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import dev.cel.common.values.NullValue;

/** httpGet: a GET over TCP (HTTP or HTTPS) or a unix socket; status and optional body match. */
final class HttpGetCheck implements ProbeCheck {
  private final Endpoint endpoint;
  private final boolean tls;
  private final byte[] request;
  private final StatusCodes statusCodes;
  private final Pattern bodyRegex;
  private final int maxBodyBytes;
  private final CelExpression cel;
  private final String target;

  HttpGetCheck(Endpoint endpoint, boolean tls, String path, byte[] request, StatusCodes statusCodes,
      Pattern bodyRegex, int maxBodyBytes, CelExpression cel) {
    this.cel = cel;
    this.endpoint = endpoint;
    this.tls = tls;
    this.request = request;
    this.statusCodes = statusCodes;
    this.bodyRegex = bodyRegex;
    this.maxBodyBytes = maxBodyBytes;
    this.target = "GET " + (endpoint.isUnix() ? endpoint.describe() : (tls ? "https://" : "http://")
        + endpoint.describe()) + path;
  }

  @Override
  public String kind() {
    return "httpGet";
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    Wire wire = tls ? endpoint.openTls(call) : endpoint.open(call);
    boolean readBody = bodyRegex != null || cel != null && cel.needsBody();
    HttpExchange.Reply reply = HttpExchange.exchange(wire, request, readBody ? maxBodyBytes : -1,
        cel != null && cel.uses("headers"));
    if (!statusCodes.accepts(reply.status())) {
      throw new ProbeFailure("HTTP " + reply.status());
    }
    String text = readBody ? reply.bodyText() : "";
    if (bodyRegex != null) {
      requireBodyMatch(bodyRegex, text, call);
    }
    if (cel != null) {
      cel.require(celVars(reply.status(), reply.headers(), text, reply.body(), cel), call);
    }
  }

  /** The variables of expect.cel for an HTTP reply; json only parsed when the expression reads it. */
  static Map<String, Object> celVars(int status, Map<String, String> headers, String text, byte[] body,
      CelExpression cel) {
    Map<String, Object> vars = new HashMap<>(8);
    vars.put("status", (long) status);
    vars.put("headers", headers);
    vars.put("body", text);
    vars.put("json", cel.uses("json") ? CelExpression.json(body, body.length) : NullValue.NULL_VALUE);
    return vars;
  }

  static void requireBodyMatch(Pattern regex, String body, ProbeCall call) throws ProbeFailure {
    try {
      if (!regex.matcher(new DeadlineCharSequence(body, call)).find()) {
        throw new ProbeFailure("body did not match /" + shown(regex.pattern()) + "/");
      }
    } catch (DeadlineCharSequence.Expired e) {
      throw new ProbeFailure(call.timeoutText());
    } catch (StackOverflowError e) {
      // Java's regex engine recurses per repetition: a nested pattern over a long body can exhaust
      // the stack. A failure of this probe, never an Error escaping the prober.
      throw new ProbeFailure("bodyRegex /" + shown(regex.pattern()) + "/ is too complex for a body of "
          + body.length() + " characters: simplify it or lower expect.maxBodyBytes");
    }
  }

  /** The pattern comes from the resource: quoted bounded, it ends up in status. */
  private static String shown(String pattern) {
    return pattern.length() <= 64 ? pattern : pattern.substring(0, 64) + "...";
  }
}
