package tf.ourworld.hero.procservice.runtime.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and signals everything a started process left behind: the process itself, every member
 * of the session and process group it leads (setsid made both ids equal to its pid), and
 * descendants that escaped into their own session (remembered while the leader was alive).
 *
 * <p>Never signals a stranger: a process is identified by pid and start ticks, and signals go
 * through {@link ProcessHandle#destroy()}, which re-checks the start time. The session id of a
 * dead leader is ours only while no other process has taken the leader's pid, which Linux
 * guarantees while any member of the session still exists.
 */
final class ProcessGroupSignals {
  private ProcessGroupSignals() {
  }

  /** One process: pid plus start ticks, and a handle bound to that start time. */
  record Target(long pid, long startTicks, ProcessHandle handle) {
    boolean alive() {
      return ProcStat.isAlive(pid, startTicks);
    }
  }

  /**
   * The live processes that belong to the process started as leaderPid at leaderTicks, as far as
   * the read table shows them (the leader and extras are read afresh).
   */
  static List<Target> remaining(long leaderPid, long leaderTicks, Collection<Target> extras, ProcTable table) {
    Map<Long, Target> found = new LinkedHashMap<>();
    Optional<ProcStat> leader = ProcStat.read(leaderPid);
    boolean sessionIsOurs = leader.isEmpty() || leader.get().startTicks() == leaderTicks;
    if (sessionIsOurs) {
      leader.filter(ProcStat::alive).flatMap(ProcessGroupSignals::target).ifPresent(t -> found.put(t.pid(), t));
      long self = ProcessHandle.current().pid();
      for (ProcStat s : table.all()) {
        if ((s.session() == leaderPid || s.pgrp() == leaderPid) && s.alive() && s.pid() != self) {
          target(s).ifPresent(t -> found.putIfAbsent(t.pid(), t));
        }
      }
    }
    for (Target t : extras) {
      if (t.alive()) {
        found.putIfAbsent(t.pid(), t);
      }
    }
    return new ArrayList<>(found.values());
  }

  /** All descendants of a live leader (including any that left its session), empty when it is gone. */
  static List<Target> descendants(long leaderPid, long leaderTicks, ProcTable table) {
    if (!ProcStat.isAlive(leaderPid, leaderTicks)) {
      return List.of();
    }
    List<Target> result = new ArrayList<>();
    for (ProcStat d : table.descendants(leaderPid)) {
      target(d).ifPresent(result::add);
    }
    return result;
  }

  /** SIGTERM (kill false) or SIGKILL (kill true) to each target that is still the same process. */
  static void signal(Collection<Target> targets, boolean kill) {
    for (Target t : targets) {
      if (kill) {
        t.handle().destroyForcibly();
      } else {
        t.handle().destroy();
      }
    }
  }

  /** A target for the process of this stat, unless its pid changed hands meanwhile. */
  private static Optional<Target> target(ProcStat stat) {
    Optional<ProcessHandle> handle = ProcessHandle.of(stat.pid());
    // The handle captured the start time of whatever has the pid now: make sure it is the same one.
    if (handle.isEmpty() || !ProcStat.isAlive(stat.pid(), stat.startTicks())) {
      return Optional.empty();
    }
    return Optional.of(new Target(stat.pid(), stat.startTicks(), handle.get()));
  }
}
