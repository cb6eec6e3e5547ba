package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static tf.ourworld.hero.procservice.probe.Specs.inDir;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tf.ourworld.hero.procservice.probe.TestServer.Framing;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

/** grpc probes against grpc-java's own health service (HealthStatusManager), over TCP and a unix socket. */
class GrpcProbeTest {
  @TempDir
  Path dir;
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private EpollEventLoopGroup loop;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (loop != null) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** A grpc probe with room for the first call of the JVM to load its classes. */
  private static tf.ourworld.hero.procservice.model.ProbeSpec grpc(Integer port, String socket, String service) {
    tf.ourworld.hero.procservice.model.ProbeSpec spec = Specs.grpc(port, socket, service);
    spec.setTimeoutSeconds(10);
    return spec;
  }

  private int tcpServer() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService()).build().start();
    return server.getPort();
  }

  private void unixServer(String name) throws Exception {
    loop = new EpollEventLoopGroup(1);
    server = NettyServerBuilder.forAddress(new DomainSocketAddress(dir.resolve(name).toString()))
        .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(loop).workerEventLoopGroup(loop)
        .addService(health.getHealthService()).build().start();
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of("", null, null), // the server as a whole: SERVING by default
        Arguments.of("hero.Foundry", ServingStatus.SERVING, null),
        Arguments.of("hero.Foundry", ServingStatus.NOT_SERVING, "gRPC health NOT_SERVING for service hero.Foundry"),
        Arguments.of("hero.Foundry", ServingStatus.UNKNOWN, "gRPC health UNKNOWN for service hero.Foundry"),
        Arguments.of("hero.Foundry", ServingStatus.SERVICE_UNKNOWN,
            "gRPC health SERVICE_UNKNOWN for service hero.Foundry"),
        Arguments.of("hero.Other", null, "gRPC health: service hero.Other unknown (NOT_FOUND)"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("statuses")
  void overTcp(String service, ServingStatus status, String error) throws Exception {
    int port = tcpServer();
    if (status != null) {
      health.setStatus(service, status);
    }
    ProbeOutcome o = ProbeChecks.runOnce(grpc(port, null, service), loopback());
    assertThat(o.error()).isEqualTo(error);
    assertThat(o.success()).isEqualTo(error == null);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("statuses")
  void overAUnixSocket(String service, ServingStatus status, String error) throws Exception {
    unixServer("grpc.sock");
    if (status != null) {
      health.setStatus(service, status);
    }
    ProbeOutcome o = ProbeChecks.runOnce(grpc(null, "grpc.sock", service), inDir(dir));
    assertThat(o.error()).isEqualTo(error);
  }

  @Test
  void seesTheServerGoAndComeBackAtTheNextRun() throws Exception {
    int port = tcpServer();
    ProbeCheck check = ProbeChecks.compile(grpc(port, null, null), loopback());
    ProbeInvoker invoker = new ProbeInvoker(new Watchdog("test-watchdog"));
    try {
      assertThat(invoker.invoke(check, 10).error()).isNull();
      assertThat(invoker.invoke(check, 10).error()).isNull();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      assertThat(invoker.invoke(check, 10).error()).isEqualTo("connection refused");
      assertThat(invoker.invoke(check, 10).error()).isEqualTo("connection refused");
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
          .addService(health.getHealthService()).build().start();
      assertThat(invoker.invoke(check, 10).error()).isNull();
    } finally {
      check.close();
    }
  }

  @Test
  void keepsOneConnectionForManyRunsAndTopsUpItsWindow() throws Exception {
    java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addTransportFilter(new io.grpc.ServerTransportFilter() {
          @Override
          public io.grpc.Attributes transportReady(io.grpc.Attributes attributes) {
            connections.incrementAndGet();
            return attributes;
          }
        })
        .addService(health.getHealthService()).build().start();
    health.setStatus("hero.Foundry", ServingStatus.SERVING);
    ProbeCheck check = ProbeChecks.compile(grpc(server.getPort(), null, "hero.Foundry"), loopback());
    ProbeInvoker invoker = new ProbeInvoker(new Watchdog("test-watchdog"));
    try {
      // each reply is 7 bytes of DATA: 12,000 runs use more than the 65,535 bytes of window a
      // connection starts with, so the server stalls unless the client gives the window back
      for (int i = 0; i < 12_000; i++) {
        ProbeOutcome o = invoker.invoke(check, 10);
        assertThat(o.error()).as("run %d", i).isNull();
      }
      health.setStatus("hero.Foundry", ServingStatus.NOT_SERVING);
      assertThat(invoker.invoke(check, 10).error()).isEqualTo("gRPC health NOT_SERVING for service hero.Foundry");
      assertThat(connections.get()).as("one HTTP/2 connection for all runs").isEqualTo(1);
    } finally {
      check.close();
    }
  }

  @Test
  void aUnixSocketReplacedByAnotherServerIsConnectedToAfresh() throws Exception {
    unixServer("grpc.sock");
    ProbeCheck check = ProbeChecks.compile(grpc(null, "grpc.sock", null), inDir(dir));
    ProbeInvoker invoker = new ProbeInvoker(new Watchdog("test-watchdog"));
    try {
      assertThat(invoker.invoke(check, 10).error()).isNull();
      stop();
      server = null;
      loop = null;
      assertThat(invoker.invoke(check, 10).error()).isIn("no such socket grpc.sock", "connection refused");
      java.nio.file.Files.deleteIfExists(dir.resolve("grpc.sock"));
      health.setStatus("", ServingStatus.NOT_SERVING);
      unixServer("grpc.sock");
      assertThat(invoker.invoke(check, 10).error()).isEqualTo("gRPC health NOT_SERVING");
    } finally {
      check.close();
    }
  }

  @Test
  void theWholeServerNotServing() throws Exception {
    int port = tcpServer();
    health.setStatus("", ServingStatus.NOT_SERVING);
    assertThat(ProbeChecks.runOnce(grpc(port, null, null), loopback()).error()).isEqualTo("gRPC health NOT_SERVING");
  }

  @Test
  void aServerWithoutTheHealthService() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
    int port = server.getPort();
    assertThat(ProbeChecks.runOnce(grpc(port, null, null), loopback()).error())
        .isEqualTo("gRPC health service not implemented (UNIMPLEMENTED)");
  }

  @Test
  void nothingListening() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(ProbeChecks.runOnce(grpc(port, null, null), loopback()).error()).isEqualTo("connection refused");
  }

  @Test
  void noSuchSocket() {
    assertThat(ProbeChecks.runOnce(grpc(null, "grpc.sock", null), inDir(dir)).error())
        .isEqualTo("no such socket grpc.sock");
  }

  @Test
  void aListenerThatNeverAnswersTimesOut() throws Exception {
    try (TestServer s = TestServer.tcp(Framing.NONE, r -> Reply.HANG)) {
      assertThat(ProbeChecks.runOnce(Specs.grpc(s.port(), null, null), loopback()).error()).isEqualTo("timed out after 1s");
    }
  }

  @Test
  void aListenerThatIsNotGrpc() throws Exception {
    try (TestServer s = TestServer.tcp(Framing.NONE, r -> Reply.raw("HTTP/1.1 400 Bad Request\r\n\r\n"))) {
      assertThat(ProbeChecks.runOnce(grpc(s.port(), null, null), loopback()).error()).startsWith("gRPC error ");
    }
  }
}
