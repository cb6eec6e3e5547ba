package tf.ourworld.hero.procservice.probe;

/**
 * Where the probe agent of a pod answers (docs/probes.md, "Unix sockets in pods"), and the token it
 * wants. Unix-socket probes of a Pod-runtime service go through it: the socket is inside the pod.
 *
 * @param host the pod's IP
 * @param port the agent's port ({@link AgentProtocol#PORT})
 * @param token the pod's secret; never printed ({@link #toString()} leaves it out)
 */
public record AgentRoute(String host, int port, String token) {

  @Override
  public String toString() {
    return "AgentRoute[" + host + ":" + port + "]";
  }
}
