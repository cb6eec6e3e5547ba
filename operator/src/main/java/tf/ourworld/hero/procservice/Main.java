package tf.ourworld.hero.procservice;

import picocli.CommandLine;
import tf.ourworld.hero.procservice.cli.RootCommand;

/** Entry point of procservice-operator.jar. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new RootCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
