package tf.ourworld.hero.procservice.probe;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * grpc: {@code grpc.health.v1.Health/Check} as kubelet sends it, plaintext, over TCP or a unix
 * socket. Passes on SERVING; every other outcome has its own text.
 *
 * <p>The check keeps its HTTP/2 connection between runs: building a channel and its connection
 * costs about a millisecond of CPU, twenty times a whole httpGet probe, while a call on an open
 * connection costs less than the httpGet. A failed call drops the connection, so the next run
 * starts from a fresh connect (and a server that came back is seen at once, not after gRPC's
 * reconnect backoff); so does a unix socket file replaced by another. A kept connection that is
 * UNAVAILABLE (its server restarted or closed it) is retried once at once on a fresh one, so the
 * verdict is always what a new client would get.
 */
final class GrpcCheck implements ProbeCheck {
  /** A health reply is a few bytes; anything large is not one. */
  private static final int MAX_REPLY_BYTES = 64 * 1024;
  private static final int MAX_DESCRIPTION = 120;

  private final Endpoint endpoint;
  private final String service;
  private final String target;
  private final Object lock = new Object();
  // guarded by lock: the connection kept between runs, and the socket file it was made to
  private ManagedChannel channel;
  private Object channelFile;

  GrpcCheck(Endpoint endpoint, String service) {
    this.endpoint = endpoint;
    this.service = service == null ? "" : service;
    this.target = "grpc " + endpoint.describe() + (this.service.isEmpty() ? "" : " service " + this.service);
    Loops.warmUp();
  }

  @Override
  public String kind() {
    return "grpc";
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public void run(ProbeCall call) throws IOException, ProbeFailure {
    HealthCheckResponse reply;
    try {
      reply = call(channel(), call);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || call.expired()) {
        throw new ProbeFailure(describe(e.getStatus(), call));
      }
      // the kept connection went away (the server restarted, or closed it): ask as a new client
      try {
        reply = call(channel(), call);
      } catch (StatusRuntimeException again) {
        throw new ProbeFailure(describe(again.getStatus(), call));
      }
    }
    HealthCheckResponse.ServingStatus status = reply.getStatus();
    if (status != HealthCheckResponse.ServingStatus.SERVING) {
      throw new ProbeFailure("gRPC health " + (status == HealthCheckResponse.ServingStatus.UNRECOGNIZED
          ? "status " + reply.getStatusValue() : status.name()) + (service.isEmpty() ? "" : " for service " + service));
    }
  }

  /** One Check on the channel; a failed call drops the channel, so the next one connects anew. */
  private HealthCheckResponse call(ManagedChannel ch, ProbeCall call) {
    try {
      return HealthGrpc.newBlockingStub(ch)
          .withDeadlineAfter(call.remainingNanos(), TimeUnit.NANOSECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build());
    } catch (RuntimeException e) {
      drop(ch);
      throw e;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (channel != null) {
        channel.shutdownNow();
        channel = null;
      }
    }
  }

  /** The kept connection, or a new one (also when the unix socket file is another one). */
  private ManagedChannel channel() throws IOException, ProbeFailure {
    Object file = endpoint.isUnix() ? endpoint.unixFileKey() : null;
    synchronized (lock) {
      if (channel != null && !java.util.Objects.equals(file, channelFile)) {
        channel.shutdownNow();
        channel = null;
      }
      if (channel == null) {
        channel = newChannel();
        channelFile = file;
      }
      return channel;
    }
  }

  private void drop(ManagedChannel ch) {
    synchronized (lock) {
      if (channel == ch) {
        channel = null;
      }
    }
    ch.shutdownNow();
  }

  private ManagedChannel newChannel() throws IOException, ProbeFailure {
    NettyChannelBuilder builder;
    if (endpoint.isUnix()) {
      if (!Loops.EPOLL) {
        throw new ProbeFailure("gRPC over a unix socket needs Linux epoll, unavailable here");
      }
      builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(endpoint.unixPath().toString()))
          .channelType(EpollDomainSocketChannel.class)
          .overrideAuthority("localhost");
    } else {
      InetSocketAddress address = endpoint.resolved();
      builder = NettyChannelBuilder.forAddress(address)
          .channelType(Loops.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class);
    }
    return builder.eventLoopGroup(Loops.GROUP)
        .usePlaintext()
        .directExecutor()
        .disableRetry()
        .maxInboundMessageSize(MAX_REPLY_BYTES)
        .userAgent("procservice-probe/1")
        .build();
  }

  /** The text of a failed call; never more of the server's description than a short line. */
  private String describe(Status status, ProbeCall call) {
    Status.Code code = status.getCode();
    if (code == Status.Code.DEADLINE_EXCEEDED || call.expired()) {
      return call.timeoutText();
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null && !(cause instanceof ConnectException)) {
      cause = cause.getCause();
    }
    if (code == Status.Code.UNAVAILABLE && cause instanceof IOException io) {
      String m = io.getMessage() == null ? "" : io.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("refused")) {
        return "connection refused";
      }
      if (m.contains("no such file")) {
        return "no such socket " + endpoint.describe().replaceFirst("^unix:", "");
      }
      return "gRPC error UNAVAILABLE: " + short_(io.getMessage());
    }
    if (code == Status.Code.NOT_FOUND) {
      return "gRPC health: service " + (service.isEmpty() ? "\"\"" : service) + " unknown (NOT_FOUND)";
    }
    if (code == Status.Code.UNIMPLEMENTED) {
      return "gRPC health service not implemented (UNIMPLEMENTED)";
    }
    String d = status.getDescription();
    return "gRPC error " + code + (d == null || d.isBlank() ? "" : ": " + short_(d));
  }

  private static String short_(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < MAX_DESCRIPTION; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    return sb.toString().trim();
  }

  /** A small event loop group (up to 4 threads) shared by every gRPC probe; the calls block their own pool thread. */
  private static final class Loops {
    static final boolean EPOLL = Epoll.isAvailable();
    static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    static final EventLoopGroup GROUP = EPOLL
        ? new EpollEventLoopGroup(THREADS, new DefaultThreadFactory("probe-grpc", true))
        : new NioEventLoopGroup(THREADS, new DefaultThreadFactory("probe-grpc", true));
    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The first gRPC call of a JVM loads a few thousand classes, which can take longer than a
     * probe's 1 s timeout on a busy machine: done once, in the background, when a grpc probe is
     * planned (a call to a port nothing listens on).
     */
    static void warmUp() {
      if (!WARM.compareAndSet(false, true)) {
        return;
      }
      Thread t = new Thread(() -> {
        ManagedChannel c = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", 1))
            .eventLoopGroup(GROUP).channelType(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
            .usePlaintext().directExecutor().disableRetry().build();
        try {
          HealthGrpc.newBlockingStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
        } catch (RuntimeException expected) {
          // refused: only the classes were wanted
        } finally {
          c.shutdownNow();
        }
      }, "probe-grpc-warmup");
      t.setDaemon(true);
      t.start();
    }
  }
}
