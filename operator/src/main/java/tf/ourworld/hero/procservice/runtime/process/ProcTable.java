package tf.ourworld.hero.procservice.runtime.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of every {@code /proc/<pid>/stat}, shared. Finding the members of a session or the
 * descendants of a process means reading all of /proc (~25 ms at 1,000 processes), so stops that
 * run at the same time (a {@code delete --all}, a shutdown) share a read instead of each doing its
 * own: {@link #since} hands out the latest read when it is recent enough for the caller.
 */
final class ProcTable {
  private static final Object LOCK = new Object();
  private static ProcTable latest;

  private final long takenNanos;
  private final List<ProcStat> all;
  private final Map<Long, List<ProcStat>> children = new HashMap<>();

  private ProcTable(long takenNanos, List<ProcStat> all) {
    this.takenNanos = takenNanos;
    this.all = all;
    for (ProcStat s : all) {
      children.computeIfAbsent(s.ppid(), p -> new ArrayList<>()).add(s);
    }
  }

  /**
   * A read of /proc begun at or after notBeforeNanos ({@link System#nanoTime()}): the latest one
   * if it is, else a new one. Callers that wait for the lock meanwhile may take the new read.
   */
  static ProcTable since(long notBeforeNanos) {
    synchronized (LOCK) {
      if (latest != null && latest.takenNanos - notBeforeNanos >= 0) {
        return latest;
      }
      long now = System.nanoTime();
      latest = new ProcTable(now, ProcStat.all());
      return latest;
    }
  }

  /** A read begun after this call: what exists now is in it. */
  static ProcTable fresh() {
    return since(System.nanoTime());
  }

  /** Every process in this read. */
  List<ProcStat> all() {
    return all;
  }

  /** All descendants of pid in this read (children, their children, ...), pid itself not included. */
  List<ProcStat> descendants(long pid) {
    List<ProcStat> result = new ArrayList<>();
    Deque<Long> todo = new ArrayDeque<>(List.of(pid));
    while (!todo.isEmpty()) {
      for (ProcStat child : children.getOrDefault(todo.pop(), List.of())) {
        if (child.pid() != pid && result.size() < all.size()) {
          result.add(child);
          todo.push(child.pid());
        }
      }
    }
    return result;
  }
}
