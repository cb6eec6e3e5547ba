package tf.ourworld.hero.procservice.probe;

import java.io.IOException;

/** tcpSocket: passes when a connect to the port or unix socket succeeds. */
final class TcpSocketCheck implements ProbeCheck {
  private final Endpoint endpoint;

  TcpSocketCheck(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public String kind() {
    return "tcpSocket";
  }

  @Override
  public String target() {
    return "connect " + endpoint.describe();
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    endpoint.connect(call); // closed by the call when the run ends
  }
}
