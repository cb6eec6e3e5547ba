package tf.ourworld.hero.procservice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.model.ServiceState;

/**
 * The operator's live status page in a real browser: headless Chromium (Debian's {@code chromium},
 * which scripts/test.sh installs when missing) loads {@code /} from a {@code local} with a Running
 * and a Degraded service, runs its refresh script, and the rendered text shows both; a screenshot
 * is kept in target/status-page.png. Skipped without chromium, except in CI (CI=true), where it fails.
 */
class StatusPageBrowserIT {
  static final Path SCREENSHOT = Path.of("target", "status-page.png").toAbsolutePath();

  @TempDir
  Path dir;

  @Test
  void showsARunningAndADegradedServiceInABrowser() throws Exception {
    Path chromium = chromium().orElse(null);
    if (chromium == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("chromium is not installed, and CI=true: scripts/test.sh installs it (apt-get install -y chromium)");
      }
      assumeTrue(false, "chromium is not installed (apt-get install -y chromium, or run scripts/test.sh)");
    }
    Path manifests = dir.resolve("page.yaml");
    Files.writeString(manifests, """
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: up}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sleep, "600"]
          probes:
          - name: alive
            process: main
            exec: {command: ["true"]}
            periodSeconds: 1
        ---
        apiVersion: hero.ourworld.tf/v1alpha1
        kind: ProcService
        metadata: {name: down}
        spec:
          runtime: Process
          stopGracePeriodSeconds: 5
          processes:
          - name: main
            command: [sleep, "600"]
            env: [{name: API_TOKEN, value: s3cret-token-value}]
          probes:
          - name: check
            process: main
            exec: {command: ["false"]}
            periodSeconds: 1
            failureThreshold: 1
          recovery: {action: Warn}
        """);
    try (LocalRun local = new LocalRun(dir, manifests)) {
      local.awaitService("up", p -> p.getStatus() != null && p.getStatus().getState() == ServiceState.Running);
      local.awaitService("down", p -> p.getStatus() != null && p.getStatus().getState() == ServiceState.Degraded);
      String url = local.statusPage();

      // --virtual-time-budget lets the page's refresh script fetch and swap in the live part before the dump
      String dom = browser(chromium, "--virtual-time-budget=5000", "--dump-dom", url);
      String text = dom.replaceAll("<[^>]+>", " ").replaceAll("&amp;", "&").replaceAll("\\s+", " ");
      assertThat(text).contains("\u25cf default/up \u2014 Running")
          .contains("ready probes 1/1 \u00b7 restarts 0 \u00b7 reason AllProbesPassing")
          .contains("\u25d0 default/down \u2014 Degraded")
          .contains("reason ProbeFailed")
          .contains("check Failure 1 exec /usr/bin/false: exit code 1")
          .contains("Recent transitions")
          .doesNotContain("s3cret-token-value");
      assertThat(dom).as("the refresh script fetched and swapped in the live part").contains("id=\"live\">live, updated ");

      Files.createDirectories(SCREENSHOT.getParent());
      Files.deleteIfExists(SCREENSHOT);
      browser(chromium, "--window-size=800,1000", "--screenshot=" + SCREENSHOT, url);
      assertThat(SCREENSHOT).isNotEmptyFile();
    }
  }

  private String browser(Path chromium, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--user-data-dir=" + dir.resolve("chromium-profile")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", dir.toString());
    pb.redirectError(dir.resolve("chromium.err").toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish: " + Files.readString(dir.resolve("chromium.err")));
    }
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
    return out;
  }

  static Optional<Path> chromium() {
    for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dirName, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
