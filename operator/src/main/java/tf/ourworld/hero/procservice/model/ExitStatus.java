package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Max;
import com.fasterxml.jackson.annotation.JsonInclude;

/** How a process last ended; code and signal are absent when unknown (an adopted process). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExitStatus {
  @Min(Integer.MIN_VALUE)
  @Max(Integer.MAX_VALUE)
  private Integer code;
  private String signal;
  private String time;
  private String message;

  public Integer getCode() {
    return code;
  }

  public void setCode(Integer code) {
    this.code = code;
  }

  public String getSignal() {
    return signal;
  }

  public void setSignal(String signal) {
    this.signal = signal;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
