package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ServiceState;

/** `local` end to end in one JVM: API, kubeconfig, manifests, operator, table, and a clean stop. */
class LocalCommandIT {
  @TempDir
  Path dir;

  @Test
  void runsTheManifestsItIsGivenAndStopsEveryProcessItStarted() throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: sleeper, namespace: team}
        spec:
          runtime: Process
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: alive
            process: main
            exec: {command: ["true"]}
            periodSeconds: 1
        ---
        not: [valid
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LocalCommand local = new LocalCommand();
    local.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    local.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    local.handleSignals = false;
    Path kubeconfig = dir.resolve("kc/config");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(local).execute(
        "--port", "0", "--kubeconfig", kubeconfig.toString(), "--state-dir", dir.resolve("state").toString(),
        dir.resolve("svc.yaml").toString()));
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString(StandardCharsets.UTF_8).contains("Running; press"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("export KUBECONFIG=" + kubeconfig)
          .contains("created namespace team").contains("Allowed executables: /").contains("/sleep");
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("svc.yaml: document 2 is not valid YAML");

      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          ProcService ps = client.resources(ProcService.class).inNamespace("team").withName("sleeper").get();
          return ps != null && ps.getStatus() != null && ps.getStatus().getState() == ServiceState.Running;
        });
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8)
          .lines().anyMatch(l -> l.matches(".*team/sleeper\\s+\u25cf Running\\s+1/1\\s+0\\s+.*")));
      assertThat(sleepers()).isNotEmpty();
    } finally {
      local.stop();
      // kept in the surefire report when something above failed
      System.out.println(out.toString(StandardCharsets.UTF_8));
      System.out.println(err.toString(StandardCharsets.UTF_8));
    }
    assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Stopped.");
    assertThat(sleepers()).isEmpty();
  }

  private static final String SLEEPER = """
      apiVersion: hero.ourworld.tf/v1alpha1
      kind: ProcService
      metadata: {name: sleeper}
      spec:
        runtime: Process
        stopGracePeriodSeconds: 5
        processes:
        - name: main
          command: [sleep, "600"]
      """;

  /** One `local` running in this JVM. */
  private static final class Local implements AutoCloseable {
    final LocalCommand command = new LocalCommand();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<Integer> exit;
    final Path kubeconfig;

    Local(Path kubeconfig, String... args) {
      this.kubeconfig = kubeconfig;
      command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
      command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
      command.handleSignals = false;
      exit = CompletableFuture.supplyAsync(() -> new CommandLine(command).execute(args));
    }

    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    Local awaitRunning() {
      await().atMost(Duration.ofSeconds(60)).until(() -> out().contains("Running; press") || exit.isDone());
      assertThat(out()).as(err()).contains("Running; press");
      return this;
    }

    KubernetesClient client() throws Exception {
      return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }

    int stop() throws Exception {
      command.stop();
      return exit.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      if (!exit.isDone()) {
        stop();
      }
      System.out.println(out());
      System.out.println(err());
    }
  }

  private String[] args(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of("--port", "0", "--http-port", "0",
        "--kubeconfig", dir.resolve("kubeconfig").toString(), "--state-dir", dir.resolve("state").toString()));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static ProcService awaitService(KubernetesClient client, String name, java.util.function.Predicate<ProcService> p) {
    ProcService[] last = new ProcService[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      last[0] = client.resources(ProcService.class).inNamespace("default").withName(name).get();
      return last[0] != null && p.test(last[0]);
    });
    return last[0];
  }

  private static boolean state(ProcService ps, ServiceState state) {
    return ps.getStatus() != null && ps.getStatus().getState() == state;
  }

  @Test
  void aSecondInstanceOnTheSameStateDirIsRefusedAndTheFirstIsUntouched() throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), SLEEPER);
    try (Local first = new Local(dir.resolve("kubeconfig"), args(dir.resolve("svc.yaml").toString())).awaitRunning();
         KubernetesClient client = first.client()) {
      awaitService(client, "sleeper", ps -> state(ps, ServiceState.Running));
      String kubeconfigBefore = Files.readString(dir.resolve("kubeconfig"));
      long pid = awaitService(client, "sleeper", ps -> true).getStatus().getProcesses().get(0).getPid();

      Local second = new Local(dir.resolve("kubeconfig"), args(dir.resolve("svc.yaml").toString()));
      assertThat(second.exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(second.err()).contains("another procservice local already runs on state dir")
          .contains("pid " + ProcessHandle.current().pid()).contains("API on http://127.0.0.1:")
          .contains("--state-dir").contains("--kubeconfig");
      assertThat(second.out()).doesNotContain("Kubeconfig written");
      assertThat(Files.readString(dir.resolve("kubeconfig"))).isEqualTo(kubeconfigBefore);
      // another state dir, the same kubeconfig: refused too
      Local third = new Local(dir.resolve("kubeconfig"), "--port", "0", "--http-port", "0", "--kubeconfig",
          dir.resolve("kubeconfig").toString(), "--state-dir", dir.resolve("other-state").toString());
      assertThat(third.exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(third.err()).contains("another procservice local already writes kubeconfig " + dir.resolve("kubeconfig"))
          .contains("--kubeconfig FILE");
      assertThat(Files.readString(dir.resolve("kubeconfig"))).isEqualTo(kubeconfigBefore);
      ProcService still = awaitService(client, "sleeper", ps -> true);
      assertThat(still.getStatus().getState()).isEqualTo(ServiceState.Running);
      assertThat(still.getStatus().getProcesses().get(0).getPid()).isEqualTo(pid);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    }
  }

  @Test
  void aCleanStopIsRecordedAsAStopSoTheNextStartIsFreshAndObjectsAppliedWithKubectlAreKept() throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), SLEEPER);
    String uid;
    try (Local first = new Local(dir.resolve("kubeconfig"), args(dir.resolve("svc.yaml").toString())).awaitRunning();
         KubernetesClient client = first.client()) {
      uid = awaitService(client, "sleeper", ps -> state(ps, ServiceState.Running)).getMetadata().getUid();
      client.configMaps().resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
          .withName("applied-later").endMetadata().build()).create();
      assertThat(first.stop()).isZero();
      assertThat(first.err()).contains("stopped 1 process");
    }
    assertThat(sleepers()).isEmpty();
    String stateJson = Files.readString(dir.resolve("state/default/sleeper/state.json"));
    assertThat(stateJson).contains("\"phase\" : \"NotStarted\"").doesNotContain("\"Running\"");

    try (Local second = new Local(dir.resolve("kubeconfig"), args(dir.resolve("svc.yaml").toString())).awaitRunning();
         KubernetesClient client = second.client()) {
      assertThat(client.configMaps().withName("applied-later").get()).isNotNull();
      ProcService ps = awaitService(client, "sleeper", p -> state(p, ServiceState.Running)
          && p.getStatus().getProcesses().get(0).getPid() != null
          && ProcessHandle.of(p.getStatus().getProcesses().get(0).getPid()).isPresent());
      assertThat(ps.getMetadata().getUid()).isEqualTo(uid);
      // the manifest was applied over the stored object: the operator's finalizer stayed
      assertThat(ps.getMetadata().getFinalizers()).contains(ProcService.FINALIZER);
      assertThat(ps.getMetadata().getGeneration()).isEqualTo(1L);
      assertThat(ps.getStatus().getRestarts()).isZero();
      assertThat(ps.getStatus().getProcesses().get(0).getLastExit()).isNull();
      assertThat(client.v1().events().inNamespace("default").list().getItems())
          .noneMatch(e -> "ProcessExited".equals(e.getReason()));
      assertThat(second.out()).doesNotContain("ProcessExited");
    }
  }

  @Test
  void aReloadThatAllowsACommandStartsTheServiceRefusedForIt() throws Exception {
    Path config = Files.writeString(dir.resolve("local.yaml"), "allowExec: []\n");
    String truePath = Path.of(AllowListPath.onPath("true")).toRealPath().toString();
    String sleepPath = Path.of(AllowListPath.onPath("sleep")).toRealPath().toString();
    try (Local local = new Local(dir.resolve("kubeconfig"), args("--config", config.toString(), "--allow-exec", truePath))
        .awaitRunning(); KubernetesClient client = local.client()) {
      client.resource(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(SLEEPER, ProcService.class)).create();
      ProcService refused = awaitService(client, "sleeper", ps -> state(ps, ServiceState.Failed));
      assertThat(refused.getStatus().getReason()).isEqualTo("CommandNotAllowed");
      assertThat(refused.getStatus().getMessage()).contains("allowExec in " + config.toAbsolutePath())
          .contains("kill -HUP " + ProcessHandle.current().pid()).contains("--allow-exec " + sleepPath);

      Files.writeString(config, "allowExec: [" + sleepPath + "]\n");
      local.command.reload();
      long pid = awaitService(client, "sleeper", ps -> state(ps, ServiceState.Running)
          && ps.getStatus().getProcesses().get(0).getPid() != null).getStatus().getProcesses().get(0).getPid();
      assertThat(local.out()).contains("Reloaded " + config);

      // Narrowing stops nothing that runs: the service is refused (Failed), its process goes on.
      Files.writeString(config, "allowExec: []\n");
      local.command.reload();
      awaitService(client, "sleeper", ps -> state(ps, ServiceState.Failed)
          && "CommandNotAllowed".equals(ps.getStatus().getReason()));
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    }
    assertThat(sleepers()).isEmpty();
  }

  @Test
  void aServiceWithoutRuntimeIsToldThatPodNeedsAClusterNotToAddAnImage() throws Exception {
    try (Local local = new Local(dir.resolve("kubeconfig"), args("--ephemeral")).awaitRunning();
         KubernetesClient client = local.client()) {
      assertThat(local.out()).contains("--ephemeral: objects in memory");
      assertThat(dir.resolve("state/api.db")).doesNotExist();
      client.resource(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(SLEEPER.replace("  runtime: Process\n", ""),
          ProcService.class)).create();
      ProcService ps = awaitService(client, "sleeper", p -> state(p, ServiceState.Failed));
      assertThat(ps.getStatus().getReason()).isEqualTo("RuntimeUnavailable");
      assertThat(ps.getStatus().getMessage()).startsWith("runtime Pod (the default when spec.runtime is not set) needs a cluster")
          .contains("set spec.runtime: Process").doesNotContain("image");
    }
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheCappedGraceWhenLocalStops() throws Exception {
    Files.writeString(dir.resolve("stubborn.yaml"), """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: stubborn}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 3600
          processes:
          - name: main
            command: [sh, -c, "trap '' TERM; while true; do sleep 1; done"]
        """);
    Local local = new Local(dir.resolve("kubeconfig"), args("--max-stop-grace", "1", dir.resolve("stubborn.yaml").toString()));
    try (local; KubernetesClient client = local.awaitRunning().client()) {
      awaitService(client, "stubborn", ps -> state(ps, ServiceState.Running));
      // an hour of grace from the spec; the cap of 1 s is what lets this stop finish within the wait
      assertThat(local.stop()).isZero();
    }
    assertThat(local.err()).contains("stopped 1 process");
    assertThat(Files.readString(dir.resolve("state/default/stubborn/state.json"))).contains("\"phase\" : \"NotStarted\"");
  }

  @Test
  void aDamagedStoreStopsTheStartWithAClearErrorAndIsLeftAsItIs() throws Exception {
    Path store = dir.resolve("state/api.db");
    Files.createDirectories(store.getParent());
    byte[] garbage = "not a database ".repeat(500).getBytes(StandardCharsets.UTF_8);
    Files.write(store, garbage);
    Local local = new Local(dir.resolve("kubeconfig"), args());
    try (local) {
      assertThat(local.exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(local.err()).contains("error: The embedded API's store " + store + " cannot be used")
        .contains("--ephemeral");
    assertThat(Files.readAllBytes(store)).isEqualTo(garbage);
    assertThat(dir.resolve("kubeconfig")).doesNotExist();
  }

  @Test
  void metricsAndHealthListenOnLoopbackOnlyAtThePortPrinted() throws Exception {
    try (Local local = new Local(dir.resolve("kubeconfig"), args()).awaitRunning()) {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("Metrics and health on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(local.out());
      assertThat(m.find()).as(local.out()).isTrue();
      int port = Integer.parseInt(m.group(1));
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(60)).until(() -> http.send(java.net.http.HttpRequest
          .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      // bound to the loopback address, like the API: nothing off this host can reach it
      assertThat(local.command.operatorApp.httpAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(local.command.operatorApp.httpAddress().getPort()).isEqualTo(port);
    }
  }

  /** Where a bare command is found on this JVM's PATH. */
  private static final class AllowListPath {
    static String onPath(String name) {
      for (String d : System.getenv("PATH").split(":")) {
        Path p = Path.of(d, name);
        if (d.startsWith("/") && Files.isExecutable(p)) {
          return p.toString();
        }
      }
      throw new IllegalStateException(name + " not on PATH");
    }
  }

  private static List<ProcessHandle> sleepers() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).toList();
  }
}
