package tf.ourworld.hero.procservice.cli;

/** An error the CLI reports in one line (what went wrong and what to do), with its exit code. */
final class CliException extends RuntimeException {
  final int exitCode;

  CliException(String message) {
    this(message, ClientCommand.EXIT_NO_ANSWER);
  }

  CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}
