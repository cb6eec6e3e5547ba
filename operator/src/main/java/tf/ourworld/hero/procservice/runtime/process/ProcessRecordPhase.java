package tf.ourworld.hero.procservice.runtime.process;

import java.util.List;

/** The phases a state record may hold: the runtime's phases plus Starting (intent before a fork). */
final class ProcessRecordPhase {
  static final String STARTING = "Starting";
  static final List<String> NAMES = List.of("NotStarted", STARTING, "Running", "Stopping", "Exited");

  private ProcessRecordPhase() {
  }
}
