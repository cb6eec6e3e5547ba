package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** What a passing reply looks like. */
public class ExpectSpec {
  public static final List<String> DEFAULT_STATUS_CODES = List.of("200-399");
  public static final int DEFAULT_MAX_BODY_BYTES = 10240;
  public static final int MAX_CEL_LENGTH = 4096;

  @JsonPropertyDescription("Accepted HTTP status codes and ranges, e.g. [\"200\", \"300-399\"]. Default 200-399.")
  private List<String> statusCodes = new ArrayList<>(DEFAULT_STATUS_CODES);

  @JsonPropertyDescription("A regular expression that must match within the first maxBodyBytes of the body.")
  private String bodyRegex;

  @JsonPropertyDescription("A CEL expression that must be true, over status (int), headers (lower-case names),"
      + " body (string, within maxBodyBytes), json (the body as JSON, null when not JSON) and, for openRpc,"
      + " result and error. Example: json.status == \"ok\" && json.db.latencyMs < 200.")
  @Size(max = MAX_CEL_LENGTH)
  private String cel;

  @JsonPropertyDescription("How much of the body is read and matched.")
  @Default("10240")
  @Min(0)
  @Max(1048576)
  private Integer maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

  public List<String> getStatusCodes() {
    return statusCodes;
  }

  public void setStatusCodes(List<String> statusCodes) {
    this.statusCodes = statusCodes;
  }

  public String getBodyRegex() {
    return bodyRegex;
  }

  public void setBodyRegex(String bodyRegex) {
    this.bodyRegex = bodyRegex;
  }

  public String getCel() {
    return cel;
  }

  public void setCel(String cel) {
    this.cel = cel;
  }

  public Integer getMaxBodyBytes() {
    return maxBodyBytes;
  }

  public void setMaxBodyBytes(Integer maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }
}
