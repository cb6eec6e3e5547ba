package tf.ourworld.hero.procservice.model;

/**
 * The upper bounds of the integer fields, shared by the CRD (through {@code @Max}) and the
 * SpecValidator, so that no value an API server accepts can overflow a 32-bit integer.
 */
public final class Bounds {
  /** One day: the bound of delays, periods, grace periods and backoff. */
  public static final long DAY_SECONDS = 86_400;
  /** One hour: a probe that needs longer is not a health check. */
  public static final long TIMEOUT_SECONDS = 3_600;
  /** One week: the longest restart window. */
  public static final long WEEK_SECONDS = 604_800;
  /** Failure and success thresholds. */
  public static final long THRESHOLD = 10_000;
  /**
   * Restarts a window may allow: each is kept in status.restartTimes so the limit survives operator
   * restarts, and status stays small.
   */
  public static final long MAX_RESTARTS = 100;
  /** Linux's PID_MAX_LIMIT (2^22). */
  public static final long MAX_PID = 4_194_304;
  public static final long PORT = 65_535;

  private Bounds() {
  }
}
