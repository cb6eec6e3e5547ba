package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** An environment variable of a process. */
public class EnvVarSpec {
  @JsonPropertyDescription("Variable name (C identifier: letters, digits, '_', not starting with a digit).")
  @Required
  private String name;

  @JsonPropertyDescription("Value; never written to logs, status or events.")
  private String value;

  public EnvVarSpec() {
  }

  public EnvVarSpec(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
