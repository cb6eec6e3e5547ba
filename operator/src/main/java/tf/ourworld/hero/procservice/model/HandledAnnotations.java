package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last annotation values acted on, so each new value acts exactly once. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandledAnnotations {
  /** Values up to this long are kept as they are; longer ones by their digest. */
  public static final int MAX_KEPT = 128;

  /**
   * What status keeps of an annotation value: the value itself, or {@code sha256:<hex>} of a long
   * one, so a huge value is acted on once and never copied into status whole.
   */
  public static String token(String value) {
    if (value == null || value.length() <= MAX_KEPT) {
      return value;
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String probeNow;
  private String resetFailed;
  /** The probe-now value whose run has ended: the probe results in status are that run's. */
  @JsonPropertyDescription("The probe-now value whose probe runs have ended: the probe results in status are that run's or newer.")
  private String probeNowDone;
  @JsonPropertyDescription("The restart value acted on (TOKEN or TOKEN;PROCESS,PROCESS).")
  private String restart;

  public String getProbeNow() {
    return probeNow;
  }

  public void setProbeNow(String probeNow) {
    this.probeNow = probeNow;
  }

  public String getResetFailed() {
    return resetFailed;
  }

  public void setResetFailed(String resetFailed) {
    this.resetFailed = resetFailed;
  }

  public String getProbeNowDone() {
    return probeNowDone;
  }

  public void setProbeNowDone(String probeNowDone) {
    this.probeNowDone = probeNowDone;
  }

  public String getRestart() {
    return restart;
  }

  public void setRestart(String restart) {
    this.restart = restart;
  }
}
