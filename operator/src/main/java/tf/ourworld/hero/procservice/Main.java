package tf.ourworld.hero.procservice;

import tf.ourworld.hero.procservice.cli.RootCommand;

/** Entry point of procservice-operator.jar. */
public final class Main {
  private Main() {
  }

  /** Our logging config has its own name, so build tools that load our classes don't pick it up. */
  static final String LOGBACK_CONFIG = "procservice-logback.xml";

  private static volatile boolean commandLine;

  /** True when this JVM is the command line (not a test): the client commands then silence the libraries' logs. */
  public static boolean isCommandLine() {
    return commandLine;
  }

  public static void main(String[] args) {
    commandLine = true;
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    System.exit(RootCommand.commandLine().execute(args));
  }
}
