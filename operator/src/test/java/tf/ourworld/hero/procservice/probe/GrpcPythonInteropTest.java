package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tf.ourworld.hero.procservice.probe.Specs.inDir;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tf.ourworld.hero.procservice.model.ProbeSpec;

/**
 * grpc probes against a server no one in this project wrote: grpcio (gRPC's C core) from Debian's
 * python3-grpcio, over TCP and a unix socket. Skipped where that package is not installed
 * (apt-get install python3-grpcio).
 */
class GrpcPythonInteropTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir
  Path dir;
  private Process server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.getOutputStream().close();
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  static boolean grpcioInstalled() {
    try {
      Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc").redirectErrorStream(true).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  private int start(String address, String status) throws Exception {
    assumeTrue(Files.isExecutable(PYTHON) && grpcioInstalled(), "python3-grpcio is not installed");
    Path script = dir.resolve("health_server.py");
    try (var in = getClass().getResourceAsStream("/grpc/health_server.py")) {
      Files.copy(in, script);
    }
    server = new ProcessBuilder(List.of(PYTHON.toString(), script.toString(), address, status))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(line).as("the server's first line").startsWith("port ");
    return Integer.parseInt(line.substring(5).trim());
  }

  private static ProbeSpec roomy(ProbeSpec spec) {
    spec.setTimeoutSeconds(10); // the first gRPC call of the JVM loads its classes
    return spec;
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "'', SERVING, -",
      "hero.Foundry, SERVING, -",
      "hero.Foundry, NOT_SERVING, gRPC health NOT_SERVING for service hero.Foundry",
      "hero.Foundry, UNKNOWN, gRPC health UNKNOWN for service hero.Foundry",
      "hero.Foundry, SERVICE_UNKNOWN, gRPC health SERVICE_UNKNOWN for service hero.Foundry",
      "hero.Other, SERVING, gRPC health: service hero.Other unknown (NOT_FOUND)"})
  void overTcp(String service, String status, String error) throws Exception {
    int port = start("127.0.0.1:0", status);
    ProbeOutcome o = ProbeChecks.runOnce(roomy(Specs.grpc(port, null, service)), loopback());
    assertThat(o.error()).isEqualTo(error);
    assertThat(o.success()).isEqualTo(error == null);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "'', SERVING, -",
      "'', NOT_SERVING, gRPC health NOT_SERVING"})
  void overAUnixSocket(String service, String status, String error) throws Exception {
    start("unix:" + dir.resolve("grpc.sock"), status);
    ProbeOutcome o = ProbeChecks.runOnce(roomy(Specs.grpc(null, "grpc.sock", service)), inDir(dir));
    assertThat(o.error()).isEqualTo(error);
  }
}
