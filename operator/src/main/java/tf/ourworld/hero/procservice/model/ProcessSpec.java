package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** One process of a service: a container (Pod) or a local process (Process). */
public class ProcessSpec {
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @JsonPropertyDescription("Unique DNS label (lower case, digits, '-', at most 63 characters).")
  @Required
  @Pattern(DNS_LABEL)
  @Size(min = 1, max = 63)
  private String name;

  @JsonPropertyDescription("Container image (runtime Pod: required).")
  private String image;

  @JsonPropertyDescription("argv[0] and leading arguments, never run through a shell (runtime Process: required).")
  private List<String> command = new ArrayList<>();

  @JsonPropertyDescription("Further arguments.")
  private List<String> args = new ArrayList<>();

  @JsonPropertyDescription("Environment variables.")
  private List<EnvVarSpec> env = new ArrayList<>();

  @JsonPropertyDescription("Working directory; for Process, relative to the service's runtime dir and inside it.")
  private String workingDir;

  @JsonPropertyDescription("Ports the process listens on (runtime Pod); probes may name them.")
  private List<PortSpec> ports = new ArrayList<>();

  @JsonPropertyDescription("Always (default), OnFailure or Never.")
  @Default("Always")
  private RestartPolicy restartPolicy = RestartPolicy.Always;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public List<EnvVarSpec> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVarSpec> env) {
    this.env = env;
  }

  public String getWorkingDir() {
    return workingDir;
  }

  public void setWorkingDir(String workingDir) {
    this.workingDir = workingDir;
  }

  public List<PortSpec> getPorts() {
    return ports;
  }

  public void setPorts(List<PortSpec> ports) {
    this.ports = ports;
  }

  public RestartPolicy getRestartPolicy() {
    return restartPolicy;
  }

  public void setRestartPolicy(RestartPolicy restartPolicy) {
    this.restartPolicy = restartPolicy;
  }
}
