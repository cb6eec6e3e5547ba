package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.runtime.process.RuntimeDirs;

/**
 * {@code procservice logs NAME [PROCESS]}: a Process-runtime service's logs on this host, from its
 * runtime dir ({@code <state-dir>/<ns>/<name>/logs/<process>.log} and its rotated {@code .1},
 * {@code .2}, ...), following rotation with -f. For Pod, it says which kubectl logs to run.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = {"Print the logs of a Process-runtime service's processes on this host (the runtime dir's rotated"
        + " log files, oldest first); for runtime Pod, the kubectl logs command to use."})
public class LogsCommand extends ClientCommand {
  static final long FOLLOW_POLL_MILLIS = 250;

  @Parameters(index = "0", paramLabel = "NAME", description = "The ProcService.")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PROCESS", description = "One process (default: all, each line prefixed).")
  String process;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines (across rotations) until Ctrl-C.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "N", defaultValue = "-1", description = "Only the last N lines of each process (default: all).")
  int tail;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".procservice/state",
      description = "The operator's state dir on this host (default: .procservice/state, what local uses).")
  Path stateDir;

  @Override
  int run(KubernetesClient client) throws InterruptedException {
    ProcService ps = require(client, name);
    RuntimeKind runtime = ps.getSpec() == null || ps.getSpec().getRuntime() == null ? RuntimeKind.Pod : ps.getSpec().getRuntime();
    List<String> declared = new ArrayList<>();
    if (ps.getSpec() != null && ps.getSpec().getProcesses() != null) {
      ps.getSpec().getProcesses().stream().map(ProcessSpec::getName).forEach(declared::add);
    }
    if (process != null && !declared.contains(process) && runtime != RuntimeKind.Track) {
      throw new CliException(name + " has no process " + process + " (it has: " + String.join(", ", declared) + ")",
          EXIT_USAGE);
    }
    if (runtime != RuntimeKind.Process) {
      String pod = null;
      if (ps.getStatus() != null && ps.getStatus().getProcesses() != null) {
        pod = ps.getStatus().getProcesses().stream().map(ProcessStatus::getPod).filter(p -> p != null)
            .findFirst().orElse(null);
      }
      String container = process != null ? process : declared.isEmpty() ? "PROCESS" : declared.get(0);
      throw new CliException(name + " runs as runtime " + runtime + ": its logs are the pod's, use kubectl logs -n "
          + ps.getMetadata().getNamespace() + " " + (pod != null ? pod : "POD") + " -c " + container
          + (follow ? " -f" : ""), EXIT_USAGE);
    }
    RuntimeDirs dirs = new RuntimeDirs(stateDir);
    Path serviceDir = dirs.serviceDir(ps.getMetadata().getNamespace(), name);
    if (!Files.isDirectory(dirs.logsDir(serviceDir))) {
      throw new CliException("no logs of " + name + " under " + dirs.logsDir(serviceDir) + ": logs reads the runtime"
          + " dir on the operator's host; run it there, with the operator's --state-dir DIR");
    }
    List<String> which = process != null ? List.of(process) : declared;
    boolean prefix = which.size() > 1;
    List<Follower> followers = new ArrayList<>();
    for (String p : which) {
      Path log = dirs.logFile(serviceDir, p);
      printTail(p, log, prefix);
      followers.add(new Follower(p, log, size(log)));
    }
    out().flush();
    while (follow) {
      boolean any = false;
      for (Follower f : followers) {
        any |= f.poll(prefix);
      }
      if (any) {
        out().flush();
      } else {
        TimeUnit.MILLISECONDS.sleep(FOLLOW_POLL_MILLIS);
      }
    }
    return 0;
  }

  private void printTail(String process, Path log, boolean prefix) {
    List<Path> files = new ArrayList<>();
    for (int i = 9; i >= 1; i--) {
      Path rotated = log.resolveSibling(log.getFileName() + "." + i);
      if (Files.isRegularFile(rotated)) {
        files.add(rotated);
      }
    }
    files.add(log);
    Deque<String> lines = new ArrayDeque<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          lines.addLast(line);
          if (tail >= 0 && lines.size() > tail) {
            lines.removeFirst();
          }
        }
      } catch (IOException e) {
        throw new CliException("cannot read " + f + ": " + e.getMessage());
      } catch (UncheckedIOException e) {
        throw new CliException("cannot read " + f + ": " + e.getCause().getMessage());
      }
    }
    lines.forEach(l -> out().println(prefix ? "[" + process + "] " + l : l));
  }

  private static long size(Path f) {
    try {
      return Files.isRegularFile(f) ? Files.size(f) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Reads what a log file got since the last poll; a file shorter than before was rotated (copy-and-truncate). */
  private final class Follower {
    final String process;
    final Path log;
    long position;
    final StringBuilder partial = new StringBuilder();

    Follower(String process, Path log, long position) {
      this.process = process;
      this.log = log;
      this.position = position;
    }

    boolean poll(boolean prefix) {
      long size = size(log);
      if (size < position) {
        position = 0; // rotated: the new file starts from the beginning
      }
      if (size == position) {
        return false;
      }
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        f.seek(position);
        byte[] buf = new byte[(int) Math.min(size - position, 1 << 20)];
        f.readFully(buf);
        position += buf.length;
        partial.append(new String(buf, StandardCharsets.UTF_8));
      } catch (IOException e) {
        return false;
      }
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, nl);
        partial.delete(0, nl + 1);
        out().println(prefix ? "[" + process + "] " + line : line);
      }
      return true;
    }
  }
}
