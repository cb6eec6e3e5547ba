package tf.ourworld.hero.procservice.probe;

/**
 * A body as characters that stops a regular expression match at the probe's deadline: a
 * backtracking pattern cannot be interrupted by closing a socket.
 */
final class DeadlineCharSequence implements CharSequence {
  /** Thrown out of the matcher when the deadline has passed. */
  static final class Expired extends RuntimeException {
    Expired() {
      super(null, null, false, false);
    }
  }

  private final String text;
  private final ProbeCall call;
  private int reads;

  DeadlineCharSequence(String text, ProbeCall call) {
    this.text = text;
    this.call = call;
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public char charAt(int index) {
    if ((++reads & 0xfff) == 0 && call.expired()) {
      throw new Expired();
    }
    return text.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new DeadlineCharSequence(text.substring(start, end), call);
  }

  @Override
  public String toString() {
    return text;
  }
}
