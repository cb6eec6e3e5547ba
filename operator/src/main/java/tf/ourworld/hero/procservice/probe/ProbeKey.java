package tf.ourworld.hero.procservice.probe;

import java.util.Objects;

/**
 * Names one running instance of a probe: the spec probe, and the unit it runs on when a runtime
 * runs each probe once per unit (Track: once per selected pod); {@code unit} is null when the
 * probe runs once for the whole service (Pod, Process).
 *
 * @param probe the probe's name in the spec
 * @param unit the unit (a pod's name) the instance runs on, or null
 */
public record ProbeKey(String probe, String unit) {
  public ProbeKey {
    Objects.requireNonNull(probe, "probe");
  }

  /** The one instance of a service-wide probe. */
  public static ProbeKey of(String probe) {
    return new ProbeKey(probe, null);
  }

  /** The instance of a probe on one unit. */
  public static ProbeKey on(String probe, String unit) {
    return new ProbeKey(probe, unit);
  }

  /** The key of its {@link #toString()} form. */
  public static ProbeKey parse(String text) {
    int at = text.indexOf('@');
    return at < 0 ? of(text) : on(text.substring(0, at), text.substring(at + 1));
  }

  /** {@code probe} or {@code probe@unit}: the label in logs and metrics. */
  @Override
  public String toString() {
    return unit == null ? probe : probe + "@" + unit;
  }
}
