package tf.ourworld.hero.procservice.probe;

import java.io.IOException;

/** One probe kind compiled from a spec and its target, run many times. */
interface ProbeCheck {

  /** httpGet, tcpSocket, openRpc, grpc or exec. */
  String kind();

  /** Short description of what is probed, for logs and status (no headers, no bodies, no args). */
  String target();

  /** Runs once; returns normally when the probe passes. */
  void run(ProbeCall call) throws IOException, ProbeFailure, InterruptedException;

  /** Time beyond the probe's timeout the run may take: a check that asks someone else to probe needs their round trip. */
  default long timeoutAllowanceNanos() {
    return 0;
  }

  /** Releases what the check keeps between runs (a gRPC connection); called once it is no longer planned. */
  default void close() {
  }
}
