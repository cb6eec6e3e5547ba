package tf.ourworld.hero.procservice.probe;

/**
 * A probe run failed; the message is the plain error text shown in status and logs (never a
 * response body or header beyond what the text itself names).
 */
public final class ProbeFailure extends Exception {
  public ProbeFailure(String message) {
    super(message, null, false, false);
  }
}
