package tf.ourworld.hero.procservice.probe;

/**
 * The probe agent's HTTP protocol, one home for both ends: {@code POST /v1/probes/NAME} with
 * {@code Authorization: Bearer TOKEN} runs the agent's probe NAME once and answers
 * {@code {"passed": bool, "error": text or null, "latencyMillis": n}}; 401 without the pod's token,
 * 404 for a probe the agent was not given, 429 while that probe is already running.
 */
public final class AgentProtocol {
  /** The agent's port in the pod. */
  public static final int PORT = 9710;
  /** The name of that port on the sidecar (at most 15 characters). */
  public static final String PORT_NAME = "ps-agent";
  /** Path prefix; the probe's name follows. */
  public static final String PATH = "/v1/probes/";
  /** Appended to every failure that came from (or on the way to) the agent. */
  public static final String VIA = " (via probe agent)";
  /** Extra time the operator gives the agent beyond the probe's own timeout (the agent's round trip). */
  public static final long ALLOWANCE_NANOS = 1_000_000_000L;

  private AgentProtocol() {
  }
}
