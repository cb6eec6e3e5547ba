package tf.ourworld.hero.procservice.demo;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demo's {@code grpc} mode: grpc.health.v1 on a unix socket (grpc-java's HealthStatusManager),
 * SERVING for "" and "hero.Foundry"; NOT_SERVING while the file {@code grpc.notserving} exists
 * beside the socket (removed at start, so a restart cures it).
 */
final class GrpcHealthDemo {
  private GrpcHealthDemo() {
  }

  static void serve(Path dir, String socketName) throws IOException, InterruptedException {
    Path socket = dir.resolve(socketName);
    Path notServing = dir.resolve("grpc.notserving");
    Files.deleteIfExists(notServing);
    Files.deleteIfExists(socket);
    HealthStatusManager health = new HealthStatusManager();
    EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
    Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(loop).workerEventLoopGroup(loop)
        .addService(health.getHealthService()).build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      loop.shutdownGracefully();
    }, "demo-shutdown"));
    System.out.printf(Locale.ROOT, "hero-foundry-demo grpc listening on %s (pid %d)%n", socket,
        ProcessHandle.current().pid());
    System.out.flush();
    ServingStatus last = null;
    while (!server.isShutdown()) {
      ServingStatus now = Files.exists(notServing) ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
      if (now != last) {
        health.setStatus("", now);
        health.setStatus("hero.Foundry", now);
        System.out.println("hero-foundry-demo grpc: " + now);
        last = now;
      }
      Thread.sleep(200); // a demo process polling its control file, not a test
    }
  }
}
