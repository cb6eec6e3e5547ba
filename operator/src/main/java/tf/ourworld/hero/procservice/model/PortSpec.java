package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A named port of a process. */
public class PortSpec {
  @JsonPropertyDescription("Optional IANA_SVC_NAME, unique within the process; probes may refer to it.")
  private String name;

  @JsonPropertyDescription("Port number.")
  @Required
  @Min(1)
  @Max(65535)
  private Integer containerPort;

  public PortSpec() {
  }

  public PortSpec(String name, Integer containerPort) {
    this.name = name;
    this.containerPort = containerPort;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getContainerPort() {
    return containerPort;
  }

  public void setContainerPort(Integer containerPort) {
    this.containerPort = containerPort;
  }
}
