package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import tf.ourworld.hero.procservice.model.ProcService;

/** One {@code procservice local} in this JVM (free ports, its own state dir), and the CLI run against it. */
final class LocalRun implements AutoCloseable {
  final LocalCommand command = new LocalCommand();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final CompletableFuture<Integer> exit;
  final Path kubeconfig;
  final Path stateDir;

  /** What one CLI run printed, and its exit code. */
  record Cli(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n" + out + err;
    }
  }

  LocalRun(Path dir, Path... manifests) {
    this.kubeconfig = dir.resolve("kubeconfig");
    this.stateDir = dir.resolve("state");
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    command.handleSignals = false;
    List<String> args = new ArrayList<>(List.of("--port", "0", "--http-port", "0", "--kubeconfig", kubeconfig.toString(),
        "--state-dir", stateDir.toString(), "--ephemeral", "--quiet"));
    for (Path m : manifests) {
      args.add(m.toString());
    }
    exit = CompletableFuture.supplyAsync(() -> new CommandLine(command).execute(args.toArray(String[]::new)));
    await().atMost(Duration.ofSeconds(90)).until(() -> out().contains("Running; press") || exit.isDone());
    assertThat(out()).as(err()).contains("Running; press");
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The status page's address, as local printed it. */
  String statusPage() {
    Matcher m = Pattern.compile("Status page on (http://127\\.0\\.0\\.1:\\d+/)").matcher(out());
    assertThat(m.find()).as(out()).isTrue();
    return m.group(1);
  }

  KubernetesClient client() throws Exception {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
  }

  ProcService awaitService(String name, Predicate<ProcService> p) throws Exception {
    try (KubernetesClient c = client()) {
      ProcService[] last = new ProcService[1];
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        last[0] = c.resources(ProcService.class).inNamespace("default").withName(name).get();
        return last[0] != null && p.test(last[0]);
      });
      return last[0];
    }
  }

  /** Runs the procservice CLI in this JVM against this local, as Main would. */
  Cli cli(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = RootCommand.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (all.stream().noneMatch(a -> a.startsWith("--kubeconfig"))) {
      all.add(1, "--kubeconfig=" + kubeconfig);
    }
    int code = cl.execute(all.toArray(String[]::new));
    return new Cli(code, o.toString(), e.toString());
  }

  @Override
  public void close() throws Exception {
    command.stop();
    exit.get(60, TimeUnit.SECONDS);
  }
}
