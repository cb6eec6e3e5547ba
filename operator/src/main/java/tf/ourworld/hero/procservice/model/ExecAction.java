package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** A command the operator runs (no shell); exit 0 passes. */
public class ExecAction {
  @JsonPropertyDescription("argv; command[0] must match the operator's allow-list.")
  @Required
  @Size(min = 1)
  private List<String> command = new ArrayList<>();

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }
}
