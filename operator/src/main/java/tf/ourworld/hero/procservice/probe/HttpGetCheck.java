package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.util.regex.Pattern;

/** httpGet: a GET over TCP (HTTP or HTTPS) or a unix socket; status and optional body match. */
final class HttpGetCheck implements ProbeCheck {
  private final Endpoint endpoint;
  private final boolean tls;
  private final byte[] request;
  private final StatusCodes statusCodes;
  private final Pattern bodyRegex;
  private final int maxBodyBytes;
  private final String target;

  HttpGetCheck(Endpoint endpoint, boolean tls, String path, byte[] request, StatusCodes statusCodes,
      Pattern bodyRegex, int maxBodyBytes) {
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
    HttpExchange.Reply reply = HttpExchange.exchange(wire, request, bodyRegex == null ? -1 : maxBodyBytes);
    if (!statusCodes.accepts(reply.status())) {
      throw new ProbeFailure("HTTP " + reply.status());
    }
    if (bodyRegex != null) {
      requireBodyMatch(bodyRegex, reply.bodyText(), call);
    }
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
