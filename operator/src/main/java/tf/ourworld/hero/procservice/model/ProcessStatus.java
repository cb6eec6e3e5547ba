package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Max;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Observed state of one process or container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcessStatus {
  private String name;
  /** Running, Starting, Waiting (backing off), Exited, Stopped. */
  private String state;
  @Min(1)
  @Max(Bounds.MAX_PID)
  private Long pid;
  private String startTime;
  private String pod;
  @Min(0)
  @Max(Integer.MAX_VALUE)
  private Integer restarts;
  private ExitStatus lastExit;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public Long getPid() {
    return pid;
  }

  public void setPid(Long pid) {
    this.pid = pid;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  public ExitStatus getLastExit() {
    return lastExit;
  }

  public void setLastExit(ExitStatus lastExit) {
    this.lastExit = lastExit;
  }
}
