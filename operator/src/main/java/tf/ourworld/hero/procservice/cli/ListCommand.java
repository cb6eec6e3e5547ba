package tf.ourworld.hero.procservice.cli;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.TrackedPodStatus;

/** {@code procservice list}: one line per service, like the seed supervisor's {@code service list}. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
    description = {"List ProcServices: state (with ● running, ◐ degraded, ○ stopped, ✕ failed on a terminal), READY"
        + " probes, RESTARTS, REASON, AGE.", "Exit code 0, or 4 when the API cannot be read."})
public class ListCommand extends ClientCommand {
  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
  boolean allNamespaces;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector (a=b,c!=d,e in (f,g)).")
  String selector;

  @Option(names = {"-w", "--watch"}, description = "After the list, print a line each time a service changes (Ctrl-C stops).")
  boolean watch;

  @Option(names = {"-o", "--output"}, paramLabel = "wide|json|yaml",
      description = "wide: and MESSAGE, the first failing probe's error (else the status message); json or yaml: the"
          + " objects.")
  String output;

  @Override
  int run(KubernetesClient client) throws InterruptedException {
    if (output != null && !List.of("wide", "json", "yaml").contains(output)) {
      throw new CliException("--output must be wide, json or yaml, not " + output, EXIT_USAGE);
    }
    var op = client.resources(ProcService.class);
    FilterWatchListDeletable<ProcService, KubernetesResourceList<ProcService>, Resource<ProcService>> scope =
        allNamespaces ? op.inAnyNamespace() : op.inNamespace(namespace(client));
    if (selector != null && !selector.isBlank()) {
      scope = scope.withLabelSelector(selector);
    }
    KubernetesResourceList<ProcService> list = scope.list();
    List<ProcService> items = new ArrayList<>(list.getItems());
    items.sort(Comparator.comparing((ProcService p) -> p.getMetadata().getNamespace())
        .thenComparing(p -> p.getMetadata().getName()));
    if ("json".equals(output) || "yaml".equals(output)) {
      Object what = list;
      try {
        out().print("json".equals(output)
            ? Serialization.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(what) + "\n"
            : Serialization.asYaml(what));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new CliException("cannot write JSON: " + e.getOriginalMessage());
      }
      out().flush();
      return 0;
    }
    Terminal t = terminal();
    if (items.isEmpty() && !watch) {
      err().println("No procservices found in " + (allNamespaces ? "any namespace" : "namespace " + namespace(client)) + ".");
      return 0;
    }
    out().println(header());
    Map<String, String> shown = new HashMap<>();
    for (ProcService ps : items) {
      String line = line(ps, t);
      shown.put(key(ps), shape(ps));
      out().println(line);
    }
    out().flush();
    if (!watch) {
      return 0;
    }
    CountDownLatch closed = new CountDownLatch(1);
    String resourceVersion = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
    var watchable = resourceVersion == null ? scope : scope.withResourceVersion(resourceVersion);
    try (var w = watchable.watch(new Watcher<ProcService>() {
      @Override
      public void eventReceived(Action action, ProcService ps) {
        synchronized (ListCommand.this) {
          String shape = action == Action.DELETED ? "deleted" : shape(ps);
          if (shape.equals(shown.put(key(ps), shape))) {
            return; // a status write that changes nothing a line shows
          }
          out().println(action == Action.DELETED ? Terminal.pad(name(ps), nameWidth()) + "  (deleted)" : line(ps, t));
          out().flush();
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        err().println("error: the watch ended: " + cause.getMessage() + "; run list -w again");
        closed.countDown();
      }
    })) {
      closed.await();
    }
    return EXIT_NO_ANSWER;
  }

  private String header() {
    StringBuilder b = new StringBuilder();
    if (allNamespaces) {
      b.append(Terminal.pad("NAMESPACE", 16)).append("  ");
    }
    b.append(Terminal.pad("NAME", nameWidth())).append("  ").append(Terminal.pad("STATE", 10)).append("  ")
        .append(Terminal.pad("READY", 5)).append("  ").append(Terminal.pad("RESTARTS", 8)).append("  ")
        .append(Terminal.pad("REASON", 22)).append("  ").append(Terminal.pad("AGE", 5));
    if ("wide".equals(output)) {
      b.append("  MESSAGE");
    }
    return b.toString().stripTrailing();
  }

  private int nameWidth() {
    return 24;
  }

  private String name(ProcService ps) {
    return (allNamespaces ? Terminal.pad(ps.getMetadata().getNamespace(), 16) + "  " : "") + ps.getMetadata().getName();
  }

  String line(ProcService ps, Terminal t) {
    ProcServiceStatus s = ps.getStatus();
    StringBuilder b = new StringBuilder();
    if (allNamespaces) {
      b.append(Terminal.pad(ps.getMetadata().getNamespace(), 16)).append("  ");
    }
    b.append(Terminal.pad(ps.getMetadata().getName(), nameWidth())).append("  ")
        .append(Terminal.pad(t.state(s == null ? null : s.getState()), 10)).append("  ")
        .append(Terminal.pad(s == null || s.getProbesReady() == null ? "-" : s.getProbesReady(), 5)).append("  ")
        .append(Terminal.pad(String.valueOf(s == null || s.getRestarts() == null ? 0 : s.getRestarts()), 8)).append("  ")
        .append(Terminal.pad(s == null || s.getReason() == null ? "-" : s.getReason(), 22)).append("  ")
        .append(Terminal.pad(age(ps.getMetadata().getCreationTimestamp()), 5));
    if ("wide".equals(output)) {
      String error = firstError(s);
      b.append("  ").append(error != null ? error : s == null || s.getMessage() == null ? "" : s.getMessage());
    }
    return b.toString().stripTrailing();
  }

  /** What a line shows, without the age: a watch prints a line only when this changes. */
  private static String shape(ProcService ps) {
    ProcServiceStatus s = ps.getStatus();
    return s == null ? "-" : s.getState() + "|" + s.getProbesReady() + "|" + s.getRestarts() + "|" + s.getReason()
        + "|" + firstError(s);
  }

  private static String key(ProcService ps) {
    return ps.getMetadata().getNamespace() + "/" + ps.getMetadata().getName();
  }

  /** The first failing probe's error (for Track: the first pod's), or null. */
  static String firstError(ProcServiceStatus s) {
    if (s == null) {
      return null;
    }
    List<ProbeStatus> all = new ArrayList<>();
    if (s.getProbes() != null) {
      all.addAll(s.getProbes());
    }
    if (s.getPods() != null) {
      for (TrackedPodStatus pod : s.getPods()) {
        if (pod.getProbes() != null) {
          all.addAll(pod.getProbes());
        }
      }
    }
    return all.stream().filter(p -> "Failure".equals(p.getResult()) && p.getLastError() != null)
        .map(p -> p.getName() + ": " + p.getLastError()).findFirst().orElse(null);
  }

  /** kubectl's age format: 42s, 5m, 3h, 2d. */
  static String age(String timestamp) {
    if (timestamp == null) {
      return "-";
    }
    Duration d;
    try {
      d = Duration.between(OffsetDateTime.parse(timestamp).toInstant(), Instant.now());
    } catch (RuntimeException e) {
      return "-";
    }
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return s / 60 + "m";
    }
    if (s < 2 * 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
