package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.local.RealKubectl;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessStatus;
import tf.ourworld.hero.procservice.model.Reason;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * Every client command against one {@code local} (its embedded API and operator): services in each
 * state, probes run on request against a real HTTP target, a manual restart, a reset out of Failed,
 * logs, exit codes, and the kubectl plugin through the real kubectl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
  @TempDir
  static Path dir;
  LocalRun local;
  HttpServer target;
  final AtomicInteger targetStatus = new AtomicInteger(200);
  final List<Long> targetHits = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    target.createContext("/health", ex -> {
      targetHits.add(System.nanoTime());
      byte[] body = ("status " + targetStatus.get()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(targetStatus.get(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    target.start();
    Path manifests = dir.resolve("services.yaml");
    Files.writeString(manifests, """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: good}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sh, -c, "echo started $$; exec sleep 600"]
          probes:
          - name: alive
            process: main
            exec: {command: ["true"]}
            periodSeconds: 1
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: web}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: http
            process: main
            httpGet: {path: /health, port: %d}
            periodSeconds: 3600
            failureThreshold: 1
          recovery: {action: Warn}
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: sick}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: check
            process: main
            exec: {command: ["false"]}
            periodSeconds: 1
            failureThreshold: 1
          recovery: {action: Warn}
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: paused}
        spec:
          runtime: Process
          suspend: true
          processes:
          - name: main
            command: [sleep, "600"]
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: podded}
        spec:
          processes:
          - name: web
            image: example.org/web:1
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: flaky}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sh, -c, "test -f ok && exec sleep 600; exit 3"]
          recovery:
            backoff: {initialSeconds: 1, maxSeconds: 1}
            restartLimit: {maxRestarts: 1, windowSeconds: 600}
        """.formatted(target.getAddress().getPort()));
    local = new LocalRun(dir, manifests);
    local.awaitService("good", p -> state(p, ServiceState.Running));
    local.awaitService("sick", p -> state(p, ServiceState.Degraded));
    local.awaitService("paused", p -> state(p, ServiceState.Stopped));
    local.awaitService("podded", p -> state(p, ServiceState.Failed));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (local != null) {
        local.close();
      }
    } finally {
      if (target != null) {
        target.stop(0);
      }
    }
  }

  private static boolean state(ProcService p, ServiceState s) {
    return p.getStatus() != null && p.getStatus().getState() == s;
  }

  @Test
  void listShowsEachStateWithItsGlyphOnATerminalAndPlainWordsWhenPiped() {
    LocalRun.Cli glyphs = local.cli("list", "--color=always");
    assertThat(glyphs.exit()).as(glyphs.toString()).isZero();
    assertThat(glyphs.out()).containsPattern("(?m)^good\\s+\\S*\u25cf Running\\S*\\s+1/1\\s+\\d+\\s+AllProbesPassing")
        .containsPattern("(?m)^sick\\s+\\S*\u25d0 Degraded\\S*\\s+0/1\\s+0\\s+ProbeFailed")
        .containsPattern("(?m)^paused\\s+\\S*\u25cb Stopped\\S*\\s+.*Suspended")
        .containsPattern("(?m)^podded\\s+\\S*\u2715 Failed\\S*\\s+.*RuntimeUnavailable");

    LocalRun.Cli piped = local.cli("list"); // no terminal here: no glyphs, no colour
    assertThat(piped.out()).startsWith("NAME ").containsPattern("(?m)^good\\s+Running\\s+1/1\\s+\\d+\\s+AllProbesPassing\\s+\\d+[smhd]$")
        .doesNotContain("\u25cf").doesNotContain("\u001b[");

    LocalRun.Cli wide = local.cli("list", "-o", "wide", "-A");
    assertThat(wide.out()).startsWith("NAMESPACE ").containsPattern("(?m)^default\\s+sick\\s+Degraded.*check: exec /usr/bin/false: exit code 1$");
    assertThat(local.cli("list", "-o", "json").out()).contains("\"kind\" : \"ProcServiceList\"").contains("\"name\" : \"good\"");
    assertThat(local.cli("list", "-l", "no-such=label").err()).contains("No procservices found in namespace default");
  }

  @Test
  void statusRunsTheProbesNowAndPrintsTheFreshError() {
    targetStatus.set(503);
    long before = System.nanoTime();
    LocalRun.Cli first = local.cli("status", "web");
    assertThat(targetHits).as("the target saw a probe asked for by status").anyMatch(t -> t > before);
    assertThat(first.exit()).as(first.toString()).isEqualTo(1);
    assertThat(first.out()).contains("State:       Degraded (ProbeFailed)").contains("Probes ran:  now, on request")
        .containsPattern("(?m)^http\\s+Failure\\s+1\\s+Failure \\d+s ago in \\d+ms\\s+GET http://127\\.0\\.0\\.1:\\d+/health: HTTP 503$");

    targetStatus.set(500);
    LocalRun.Cli second = local.cli("status", "web");
    assertThat(second.exit()).as(second.toString()).isEqualTo(1);
    assertThat(second.out()).containsPattern("(?m)^http\\s+Failure\\s+1\\s+Failure .*ms\\s+GET http://127\\.0\\.0\\.1:\\d+/health: HTTP 500$")
        .contains("Message:     probe http failed 1 times: GET http://127.0.0.1:" + target.getAddress().getPort()
            + "/health: HTTP 500\n");

    targetStatus.set(200);
    LocalRun.Cli healed = local.cli("status", "web");
    assertThat(healed.exit()).as(healed.toString()).isZero();
    assertThat(healed.out()).contains("State:       Running (AllProbesPassing)")
        .containsPattern("(?m)^http\\s+Success\\s+0\\s+Success \\d+s ago in \\d+ms\\s+-$").contains("PROCESS  STATE    PID/POD")
        .contains("LAST SEEN").contains("ProbeFailed");
  }

  @Test
  void exitCodesSayTheState() {
    assertThat(local.cli("status", "good").exit()).isEqualTo(0);
    assertThat(local.cli("status", "sick").exit()).isEqualTo(1);
    LocalRun.Cli failed = local.cli("status", "podded");
    assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
    assertThat(failed.out()).contains("RuntimeUnavailable");
    assertThat(local.cli("status", "paused").exit()).isEqualTo(3);
    LocalRun.Cli missing = local.cli("status", "nope");
    assertThat(missing.exit()).isEqualTo(4);
    assertThat(missing.err()).isEqualTo("error: procservice nope not found in namespace default"
        + " (procservice list -A shows every namespace)\n");
    assertThat(local.cli("describe", "sick").exit()).isEqualTo(1);
    assertThat(local.cli("status", "good", "--timeout", "often").exit()).isEqualTo(64);
    assertThat(local.cli("status").exit()).isEqualTo(64);
  }

  @Test
  void restartChangesThePidCountsAndEventsIt() throws Exception {
    ProcService before = local.awaitService("good", p -> state(p, ServiceState.Running) && pid(p) != null);
    LocalRun.Cli restart = local.cli("restart", "good", "main");
    assertThat(restart.exit()).as(restart.toString()).isZero();
    ProcService after = local.awaitService("good", p -> true);
    assertThat(pid(after)).isNotNull().isNotEqualTo(pid(before));
    assertThat(restart.out()).contains("Restarting main of good ...").contains(" " + pid(after) + " ")
        .containsPattern("Restarting\\s+Restarting main: a restart was requested");
    assertThat(after.getStatus().getRestarts()).isEqualTo(before.getStatus().getRestarts() + 1);
    assertThat(after.getStatus().getHandled().getRestart()).endsWith(";main");

    LocalRun.Cli logs = local.cli("logs", "good", "--state-dir", local.stateDir.toString());
    assertThat(logs.out().lines().filter(l -> l.startsWith("started "))).hasSize(2);
    assertThat(local.cli("logs", "good", "main", "--tail", "1", "--state-dir", local.stateDir.toString()).out())
        .isEqualTo("started " + pid(after) + "\n");
    assertThat(local.cli("restart", "good", "nope").err()).contains("good has no process nope (it has: main)");

    LocalRun.Cli suspended = local.cli("restart", "paused");
    assertThat(suspended.exit()).as(suspended.toString()).isEqualTo(3); // taken, nothing to restart: Stopped
    assertThat(suspended.out()).contains("State:       Stopped (Suspended)");
  }

  @Test
  void resetLeavesFailed() throws Exception {
    local.awaitService("flaky", p -> state(p, ServiceState.Failed)
        && Reason.of(p.getStatus().getReason()) == Reason.RestartLimitExceeded);
    LocalRun.Cli refused = local.cli("restart", "flaky");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("procservice reset flaky");
    Files.writeString(local.stateDir.resolve("default/flaky/ok"), "");
    LocalRun.Cli reset = local.cli("reset", "flaky");
    assertThat(reset.exit()).as(reset.toString()).isZero();
    assertThat(reset.out()).contains("State:       Running");
  }

  @Test
  void logsOfAPodServiceSayWhichKubectlLogsToRun() {
    LocalRun.Cli logs = local.cli("logs", "podded");
    assertThat(logs.exit()).isEqualTo(64);
    assertThat(logs.err()).isEqualTo("error: podded runs as runtime Pod: its logs are the pod's, use kubectl logs"
        + " -n default POD -c web\n");
  }

  @Test
  void unreachableApiIsOneLineSayingWhatToCheck() throws IOException {
    Path bad = dir.resolve("bad-kubeconfig");
    Files.writeString(bad, Files.readString(local.kubeconfig).replaceAll("http://127\\.0\\.0\\.1:\\d+",
        "http://127.0.0.1:1"));
    LocalRun.Cli cli = local.cli("list", "--kubeconfig=" + bad);
    assertThat(cli.exit()).isEqualTo(4);
    assertThat(cli.err()).startsWith("error: cannot reach the Kubernetes API").doesNotContain("\tat ")
        .hasLineCount(1);
  }

  @Test
  void kubectlRunsItAsAPlugin() throws Exception {
    Path kubectl = RealKubectl.binary();
    List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "procservice", "list"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path root = RealKubectl.projectRoot();
    pb.environment().put("PATH", root + ":" + System.getenv("PATH"));
    pb.environment().put("KUBECONFIG", local.kubeconfig.toString());
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("PROCSERVICE_CLASSPATH", System.getProperty("java.class.path"));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).containsPattern("(?m)^good\\s+Running\\s+1/1").containsPattern("(?m)^sick\\s+Degraded");
  }

  private static Long pid(ProcService p) {
    List<ProcessStatus> ps = p.getStatus() == null ? null : p.getStatus().getProcesses();
    return ps == null || ps.isEmpty() ? null : ps.get(0).getPid();
  }
}
