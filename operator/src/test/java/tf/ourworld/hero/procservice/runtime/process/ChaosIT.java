package tf.ourworld.hero.procservice.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.local.EmbeddedApiServer;
import tf.ourworld.hero.procservice.local.Kubeconfig;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * Chaos: the operator ({@code run --process-runtime}, its own JVM) against an API that outlives it
 * (the embedded API, in this JVM), killed with SIGKILL at targeted moments (right after the fork,
 * right after the intent is recorded, right after a create, in the middle of a delete, in the
 * middle of a spec change) and at random ones, cycle after cycle. Counted over the whole run, by
 * sampling /proc for processes carrying our tokens: duplicates (two live copies of one process at
 * any moment), orphans (a live process of a service that no longer exists, once recovered) and
 * lost services (a service whose process is not running once recovered).
 *
 * <p>{@code -Dchaos.cycles=N} (default 5) and {@code -Dchaos.seed=S}; scripts/chaos.sh runs long
 * ones and prints the figures, also written to target/chaos-figures.txt.
 */
class ChaosIT {
  private static final Duration RECOVERY = Duration.ofSeconds(90);
  private static final String NS = "default";
  private static final List<String> MODES = List.of("fork", "intent", "after-create", "mid-delete", "mid-change",
      "random");

  @TempDir
  Path tmp;
  EmbeddedApiServer api;
  KubernetesClient client;
  Path kubeconfig;
  Path stateDir;
  Path log;
  Process operator;
  final Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));
  final Map<String, Integer> kills = new LinkedHashMap<>();
  final Map<String, Integer> maxCopies = new ConcurrentHashMap<>();
  final List<Long> recoveryMillis = new ArrayList<>();
  final java.util.concurrent.ScheduledExecutorService scheduler =
      java.util.concurrent.Executors.newScheduledThreadPool(2);
  int orphans;
  int lost;
  int serial;
  int startedBefore;
  String operatorHook;

  @BeforeEach
  void setUp() throws IOException {
    api = EmbeddedApiServer.start(0);
    client = api.createClient();
    kubeconfig = tmp.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, api.url());
    stateDir = tmp.resolve("state").toAbsolutePath();
    log = tmp.resolve("operator.log");
    scheduler.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    scheduler.shutdownNow();
    scheduler.awaitTermination(10, TimeUnit.SECONDS);
    if (operator != null) {
      operator.destroyForcibly().waitFor();
    }
    for (TokenScan.Found f : TokenScan.scan(root())) {
      ProcessHandle.of(f.pid()).ifPresent(ProcessHandle::destroyForcibly); // whatever a failed run left
    }
    client.close();
    api.close();
    if (Files.exists(log)) {
      Path kept = Path.of(System.getProperty("project.root", "..")).resolve("operator/target/chaos-operator.log");
      Files.createDirectories(kept.getParent());
      Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void killedAtAnyMomentTheOperatorLeavesNoDuplicateNoOrphanAndLosesNoService() throws Exception {
    int cycles = Integer.getInteger("chaos.cycles", 5);
    long started = System.nanoTime();
    create();
    create();
    for (int i = 0; i < cycles; i++) {
      String mode = MODES.get(i % MODES.size());
      cycle(mode);
    }
    // the end: a last operator recovers, then everything is deleted through it
    startOperator(null);
    recover();
    client.resources(ProcService.class).inNamespace(NS).delete();
    await().atMost(RECOVERY).until(() -> client.resources(ProcService.class).inNamespace(NS).list().getItems().isEmpty());
    await().atMost(RECOVERY).until(() -> leaders().isEmpty());
    stopOperator();

    int duplicates = maxCopies.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
    String figures = figures(cycles, duplicates, Duration.ofNanos(System.nanoTime() - started));
    System.out.println(figures);
    Path out = Path.of(System.getProperty("project.root", "..")).resolve("operator/target/chaos-figures.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, figures + "\n", StandardCharsets.UTF_8);
    assertThat(duplicates).as(figures).isZero();
    assertThat(orphans).as(figures).isZero();
    assertThat(lost).as(figures).isZero();
  }

  /** One operator life: start (maybe with a halt hook), recover, act, die. */
  private void cycle(String mode) throws Exception {
    String hook = switch (mode) {
      case "fork" -> "forked";
      case "intent" -> "intent-recorded";
      default -> null;
    };
    startOperator(hook);
    if (!recover()) {
      // A hooked operator halts in recovery when it must fork: a kill at that moment too. A plain one
      // then finishes the recovery, and a hooked one is started again for the action.
      startOperator(null);
      recover();
      startOperator(hook);
      awaitStarted();
    }
    List<String> services = services();
    switch (mode) {
      case "fork", "intent" -> {
        create();
        if (!operator.waitFor(30, TimeUnit.SECONDS)) {
          kills.merge(mode + "-missed", 1, Integer::sum); // no fork happened: killed at the next start
        }
      }
      case "after-create" -> {
        create();
        killAfter(random.nextInt(20), mode);
      }
      case "mid-delete" -> {
        if (services.isEmpty()) {
          create();
        }
        client.resources(ProcService.class).inNamespace(NS).withName(services().get(0)).delete();
        killAfter(random.nextInt(200), mode);
        create(); // keeps the population steady
      }
      case "mid-change" -> {
        String name = services.isEmpty() ? create() : services.get(random.nextInt(services.size()));
        client.resources(ProcService.class).inNamespace(NS).withName(name).edit(p -> {
          p.getSpec().getProcesses().get(0).setArgs(List.of(String.valueOf(100_000 + random.nextInt(1000))));
          return p;
        });
        killAfter(random.nextInt(300), mode);
      }
      default -> {
        int what = random.nextInt(3);
        if (what == 0 || services.size() < 2) {
          create();
        } else if (what == 1) {
          client.resources(ProcService.class).inNamespace(NS).withName(services.get(random.nextInt(services.size())))
              .delete();
        }
        killAfter(random.nextInt(1500), mode);
      }
    }
  }

  /** The chaos itself: SIGKILL scheduled at a random moment after the action; then wait for the exit. */
  private void killAfter(int millis, String mode) throws InterruptedException {
    Process victim = operator;
    scheduler.schedule(victim::destroyForcibly, millis, TimeUnit.MILLISECONDS);
    victim.waitFor();
    kills.merge(mode, 1, Integer::sum);
  }

  /** Waits until every service runs exactly its processes and nothing else of ours runs; counts what does not. */
  private boolean recover() throws InterruptedException {
    long t0 = System.nanoTime();
    try {
      await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
          .until(() -> !operator.isAlive() || problems().isEmpty());
    } catch (ConditionTimeoutException e) {
      // counted below
    }
    if (!operator.isAlive()) {
      return false;
    }
    Map<String, Integer> problems = problems();
    orphans += problems.getOrDefault("orphan", 0);
    lost += problems.getOrDefault("lost", 0);
    if (problems.isEmpty()) {
      recoveryMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } else {
      System.out.println("not recovered after " + RECOVERY + ": " + problems + " leaders " + leaders());
    }
    return true;
  }

  private Map<String, Integer> problems() {
    Map<String, Integer> out = new HashMap<>();
    Set<String> live = new HashSet<>();
    for (ProcService p : client.resources(ProcService.class).inNamespace(NS).list().getItems()) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        out.merge("deleting", 1, Integer::sum);
        continue;
      }
      live.add(p.getMetadata().getName());
    }
    Map<String, Integer> byService = new HashMap<>();
    for (TokenScan.Found f : leaders()) {
      String svc = f.runtimeDir().getFileName().toString();
      byService.merge(svc + "/" + f.process(), 1, Integer::sum);
      if (!live.contains(svc)) {
        out.merge("orphan", 1, Integer::sum);
      }
    }
    for (String svc : live) {
      if (byService.getOrDefault(svc + "/main", 0) == 0) {
        out.merge("lost", 1, Integer::sum);
      }
    }
    byService.forEach((k, n) -> {
      if (n > 1) {
        out.merge("duplicate", n - 1, Integer::sum);
      }
    });
    return out;
  }

  private List<TokenScan.Found> leaders() {
    return TokenScan.scan(root()).stream().filter(TokenScan.Found::leader).toList();
  }

  private Path root() {
    return new RuntimeDirs(stateDir).root();
  }

  /** Run every 100 ms: how many live copies of each process there are; a duplicate shows however briefly it lived. */
  private void sample() {
    Map<String, Integer> now = new HashMap<>();
    for (TokenScan.Found f : leaders()) {
      now.merge(f.runtimeDir().getFileName() + "/" + f.process(), 1, Integer::sum);
    }
    now.forEach((k, n) -> maxCopies.merge(k, n, Math::max));
  }

  private List<String> services() {
    return client.resources(ProcService.class).inNamespace(NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).map(p -> p.getMetadata().getName()).toList();
  }

  private String create() {
    String name = "chaos-" + (++serial);
    GenericKubernetesResource r = Serialization.unmarshal("""
        {"apiVersion": "hero.ourworld.tf/v1alpha1", "kind": "ProcService",
         "metadata": {"name": "%s", "namespace": "%s"},
         "spec": {"runtime": "Process", "stopGracePeriodSeconds": 2,
                  "processes": [{"name": "main", "command": ["/usr/bin/sleep"], "args": ["100000"]}]}}"""
        .formatted(name, NS), GenericKubernetesResource.class);
    client.genericKubernetesResources("hero.ourworld.tf/v1alpha1", "ProcService").inNamespace(NS).resource(r).create();
    return name;
  }

  private void startOperator(String haltAt) throws IOException {
    if (operator != null) {
      try {
        operator.destroyForcibly().waitFor(); // never two operators over one state dir
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (operator.exitValue() == ChaosHook.HALT_STATUS) {
        kills.merge("halted-at-" + operatorHook, 1, Integer::sum);
      }
    }
    operatorHook = haltAt;
    startedBefore = Files.exists(log) ? started() : 0;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path")));
    if (haltAt != null) {
      cmd.add("-D" + ChaosHook.PROPERTY + "=" + haltAt);
    }
    cmd.addAll(List.of("tf.ourworld.hero.procservice.Main", "run", "--process-runtime", "--allow-exec", "/usr/bin/sleep",
        "--state-dir", stateDir.toString(), "--namespaces", NS, "--http-port", "-1", "--log-format", "text"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    operator = pb.start();
  }

  /** Until the operator just started says so in its log (informers synced). */
  private void awaitStarted() {
    await().atMost(RECOVERY).until(() -> !operator.isAlive() || started() > startedBefore);
  }

  private int started() throws IOException {
    return (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains("Operator started")).count();
  }

  private void stopOperator() throws InterruptedException {
    operator.destroy();
    if (!operator.waitFor(30, TimeUnit.SECONDS)) {
      operator.destroyForcibly().waitFor();
    }
  }

  private String figures(int cycles, int duplicates, Duration took) {
    List<Long> sorted = recoveryMillis.stream().sorted().toList();
    long p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
    return "chaos: cycles=" + cycles + " kills=" + kills + " duplicates=" + duplicates + " orphans=" + orphans
        + " lost=" + lost + " recoveries=" + sorted.size() + " recovery_ms_p50=" + p50 + " recovery_ms_max=" + max
        + " took_s=" + took.toSeconds();
  }
}
