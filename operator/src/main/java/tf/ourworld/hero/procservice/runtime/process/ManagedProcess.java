package tf.ourworld.hero.procservice.runtime.process;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Exit;
import tf.ourworld.hero.procservice.runtime.ProcessObservation.Phase;
import tf.ourworld.hero.procservice.runtime.process.linux.WaitStatus;

/**
 * What the runtime knows of one declared process. Mutable; every access holds the owning
 * {@link ServiceSupervisor}'s lock.
 */
final class ManagedProcess {
  final String name;
  Phase phase = Phase.NotStarted;
  /** How the child this operator started ends; null when adopted or not running. Completes off-thread. */
  CompletableFuture<WaitStatus> exit;
  long pid;
  long startTicks;
  Instant startTime;
  String command;
  /** Fingerprint of the spec it was started from (command, args, env, workingDir); null if unknown. */
  String specHash;
  /** How many times this runtime started it, ever (persisted). */
  int starts;
  boolean adopted;
  Exit lastExit;
  /** Bumped on each start, so a late exit notice of an older incarnation is ignored. */
  long generation;
  /** The generation whose exit was already recorded. */
  long exitedGeneration = -1;
  /** PROCSERVICE_TOKEN of the incarnation that runs (or is being started); null when unknown. */
  String token;
  /** True between recording the intent to start (token written to state.json) and the fork's result. */
  boolean intent;
  /** The deliberate stop (stop or restart) in progress, or null. */
  StopTask stopTask;

  ManagedProcess(String name) {
    this.name = name;
  }

  boolean running() {
    return phase == Phase.Running || phase == Phase.Stopping;
  }

  String incarnation() {
    return pid > 0 ? pid + "/" + startTicks : null;
  }

  ProcessObservation observation() {
    boolean alive = running();
    return new ProcessObservation(name, phase, alive ? pid : null, null, null, startTime, incarnation(),
        Math.max(0, starts - 1), lastExit, alive && adopted);
  }

  StateFile.ProcessRecord record() {
    String persistedPhase = intent ? ProcessRecordPhase.STARTING : running() ? Phase.Running.name() : phase.name();
    boolean alive = running() && !intent;
    return new StateFile.ProcessRecord(persistedPhase, alive ? pid : null, alive ? startTicks : null,
        startTime == null ? null : startTime.toString(), command, starts,
        lastExit == null ? null : lastExit.code(), lastExit == null ? null : lastExit.signal(),
        lastExit == null || lastExit.time() == null ? null : lastExit.time().toString(),
        lastExit == null ? null : lastExit.message(), specHash, intent || alive ? token : null);
  }
}
