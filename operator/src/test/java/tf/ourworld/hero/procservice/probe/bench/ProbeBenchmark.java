package tf.ourworld.hero.procservice.probe.bench;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.model.ExpectSpec;
import tf.ourworld.hero.procservice.model.GrpcAction;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeObserver;
import tf.ourworld.hero.procservice.probe.ProbeScheduler;
import tf.ourworld.hero.procservice.probe.ProbeTarget;

/**
 * Drives many httpGet probes through the real {@link ProbeScheduler} against loopback TCP and
 * unix-socket targets, and a minimal raw-NIO probe loop against the same targets, and prints
 * probes/s, CPU per probe and scheduling lag for both. Loopback only; stops by itself.
 *
 * <p>Options: {@code --probes N} (throughput phase, default 5000), {@code --lag-probes N}
 * (default 1000), {@code --seconds S} per measured phase (default 5), {@code --concurrency C}
 * (default 64, the operator's default).
 */
public final class ProbeBenchmark {
  private static final byte[] REQUEST =
      "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProbeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> opt = new java.util.HashMap<>(Map.of("probes", 5000, "lag-probes", 1000, "seconds", 5,
        "concurrency", 64));
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
    }
    int seconds = opt.get("seconds");
    Path dir = Files.createTempDirectory("probe-bench");
    Path socket = dir.resolve("bench.sock");
    System.out.printf("machine: %d CPUs available to the JVM, java %s (%s), %s %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"));
    try (BenchHttpServer server = new BenchHttpServer(socket)) {
      SocketAddress tcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      SocketAddress unix = UnixDomainSocketAddress.of(socket);

      int n = opt.get("probes");
      int lagN = opt.get("lag-probes");
      int concurrency = opt.get("concurrency");

      // warm-up: JIT both paths
      rawLoop(List.of(tcp, unix), 2, 0);
      try (Run warm = new Run(2000, concurrency, dir, server.port())) {
        warm.measure(2, 1);
      }

      System.out.println();
      System.out.println("== raw NIO loop: 1 thread, blocking SocketChannel, connect/write/read to end/close ==");
      Figures rawTcp = rawLoop(List.of(tcp), seconds, 0);
      System.out.println("full speed, tcp   " + rawTcp);
      Figures rawUnix = rawLoop(List.of(unix), seconds, 0);
      System.out.println("full speed, unix  " + rawUnix);
      Figures rawMixed = rawLoop(List.of(tcp, unix), seconds, 0);
      System.out.println("full speed, mixed " + rawMixed);
      Figures rawAtN = n < rawMixed.rate * 0.9 ? rawLoop(List.of(tcp, unix), seconds, n) : null;
      if (rawAtN != null) {
        System.out.printf("paced at %d/s     %s%n", n, rawAtN);
      }
      Figures rawAtLag = rawLoop(List.of(tcp, unix), seconds, lagN);
      System.out.printf("paced at %d/s     %s%n", lagN, rawAtLag);

      System.out.println();
      System.out.printf("== ProbeScheduler: httpGet probes (half TCP, half unix socket), period 1 s, concurrency %d ==%n",
          concurrency);
      Figures sched;
      try (Run run = new Run(n, concurrency, dir, server.port())) {
        sched = run.measure(seconds, 2);
      }
      System.out.printf("%d probes (%d/s offered) %s%n", n, n, sched);
      Figures lag;
      try (Run run = new Run(lagN, concurrency, dir, server.port())) {
        lag = run.measure(seconds, 2);
      }
      System.out.printf("%d probes (%d/s offered) %s%n", lagN, lagN, lag);

      System.out.println();
      System.out.printf("== ProbeScheduler: httpGet + expect.cel (JSON parsed, headers kept), period 1 s ==%n");
      Figures cel;
      int httpPort = server.port();
      try (Run warm = new Run(lagN, concurrency, dir, (name, i) -> Run.celSpec(name, i, httpPort))) {
        warm.measure(1, 1);
      }
      try (Run run = new Run(lagN, concurrency, dir, (name, i) -> Run.celSpec(name, i, httpPort))) {
        cel = run.measure(seconds, 2);
      }
      System.out.printf("%d probes (%d/s offered) %s%n", lagN, lagN, cel);

      System.out.println();
      System.out.printf("== ProbeScheduler: grpc health Check (grpc-java HealthStatusManager on TCP), period 1 s ==%n");
      Figures grpc;
      io.grpc.protobuf.services.HealthStatusManager health = new io.grpc.protobuf.services.HealthStatusManager();
      io.grpc.Server grpcServer = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(health.getHealthService()).build().start();
      try {
        int grpcPort = grpcServer.getPort();
        try (Run warm = new Run(lagN, concurrency, dir, (name, i) -> Run.grpcSpec(name, grpcPort))) {
          warm.measure(1, 1);
        }
        try (Run run = new Run(lagN, concurrency, dir, (name, i) -> Run.grpcSpec(name, grpcPort))) {
          grpc = run.measure(seconds, 2);
        }
      } finally {
        grpcServer.shutdownNow();
      }
      System.out.printf("%d probes (%d/s offered) %s%n", lagN, lagN, grpc);

      System.out.println();
      System.out.println("== summary ==");
      System.out.printf("throughput: scheduler %.0f probes/s of %d offered; raw loop at full speed %.0f probes/s%n",
          sched.rate, n, rawMixed.rate);
      System.out.printf("one-core capacity (1 s / probe-side CPU per probe): scheduler %.0f probes/s, raw loop %.0f"
          + " probes/s%n", 1e6 / sched.probeCpuUs, 1e6 / rawMixed.probeCpuUs);
      Figures rawSameRate = rawAtN != null ? rawAtN : rawMixed;
      System.out.printf("CPU per probe at %d/s: scheduler %.1f us, raw loop %.1f us (%s), ratio %.2f"
          + " (whole process incl. server: %.1f vs %.1f us, ratio %.2f)%n", n, sched.probeCpuUs,
          rawSameRate.probeCpuUs, rawAtN != null ? "paced" : "full speed", sched.probeCpuUs / rawSameRate.probeCpuUs,
          sched.processCpuUs, rawSameRate.processCpuUs, sched.processCpuUs / rawSameRate.processCpuUs);
      System.out.printf("CPU per probe at %d/s: scheduler %.1f us, raw loop %.1f us, ratio %.2f%n", lagN,
          lag.probeCpuUs, rawAtLag.probeCpuUs, lag.probeCpuUs / rawAtLag.probeCpuUs);
      System.out.printf("CPU per probe vs the raw loop at full speed: %.2f%n", sched.probeCpuUs / rawMixed.probeCpuUs);
      System.out.printf("lag at %d/s: scheduler p50 %.2f ms p99 %.2f ms; raw paced loop p50 %.2f ms p99 %.2f ms%n",
          lagN, lag.lagP50Ms, lag.lagP99Ms, rawAtLag.lagP50Ms, rawAtLag.lagP99Ms);
      System.out.printf("CPU per probe at %d/s: httpGet+cel %.1f us (ratio %.2f to raw, %.2f to plain httpGet),"
          + " grpc %.1f us (ratio %.2f to raw, %.2f to plain httpGet)%n", lagN, cel.probeCpuUs,
          cel.probeCpuUs / rawAtLag.probeCpuUs, cel.probeCpuUs / lag.probeCpuUs, grpc.probeCpuUs,
          grpc.probeCpuUs / rawAtLag.probeCpuUs, grpc.probeCpuUs / lag.probeCpuUs);
      System.out.printf("targets: cel CPU/probe <= 2x raw at %d/s: %s; grpc CPU/probe <= 2x raw at %d/s: %s%n", lagN,
          cel.probeCpuUs <= 2 * rawAtLag.probeCpuUs ? "met" : "MISSED", lagN,
          grpc.probeCpuUs <= 2 * rawAtLag.probeCpuUs ? "met" : "MISSED");
      System.out.printf("targets: >= 5000 probes/s on one core: %s; CPU/probe <= 2x raw (same rate): %s;"
          + " p99 lag <= 20 ms at %d/s: %s%n",
          1e6 / sched.probeCpuUs >= 5000 ? "met" : "MISSED",
          sched.probeCpuUs <= 2 * rawSameRate.probeCpuUs ? "met" : "MISSED", lagN,
          lag.lagP99Ms <= 20 ? "met" : "MISSED");
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  /** Measured figures of one phase. */
  static final class Figures {
    double rate;
    long failures;
    double probeCpuUs;
    double processCpuUs;
    double lagP50Ms = Double.NaN;
    double lagP99Ms = Double.NaN;
    double lagMaxMs = Double.NaN;

    @Override
    public String toString() {
      return String.format("%.0f probes/s, %d failures, CPU/probe %.1f us probe-side, %.1f us process;"
          + " lag p50 %.2f ms p99 %.2f ms max %.2f ms", rate, failures, probeCpuUs, processCpuUs,
          lagP50Ms, lagP99Ms, lagMaxMs);
    }
  }

  /**
   * The baseline: one thread, blocking channel, connect / write / read to end / close, round
   * robin over the targets. {@code pace} > 0 runs at that many probes/s and records the lag.
   */
  static Figures rawLoop(List<SocketAddress> targets, int seconds, int pace) throws Exception {
    long self = Thread.currentThread().getId();
    long cpu0 = THREADS.getThreadCpuTime(self);
    long proc0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long count = 0;
    long failures = 0;
    long[] lags = new long[pace > 0 ? pace * seconds + 16 : 0];
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long now;
    while ((now = System.nanoTime()) < end) {
      if (pace > 0) {
        long planned = start + count * 1_000_000_000L / pace;
        if (planned > now) {
          LockSupport.parkNanos(planned - now);
        }
        if (count < lags.length) {
          lags[(int) count] = System.nanoTime() - planned;
        }
      }
      SocketAddress target = targets.get((int) (count % targets.size()));
      try (SocketChannel ch = target instanceof UnixDomainSocketAddress
          ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
        ch.connect(target);
        ch.write(ByteBuffer.wrap(REQUEST));
        buf.clear();
        while (ch.read(buf) >= 0 && buf.hasRemaining()) {
          // read to the end of the reply
        }
        if (buf.position() < 12 || buf.get(9) != '2') {
          failures++;
        }
      } catch (java.io.IOException e) {
        failures++;
      }
      count++;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Figures f = new Figures();
    f.rate = count / elapsed;
    f.failures = failures;
    f.probeCpuUs = (THREADS.getThreadCpuTime(self) - cpu0) / 1e3 / count;
    f.processCpuUs = (OS.getProcessCpuTime() - proc0) / 1e3 / count;
    if (pace > 0) {
      long[] l = Arrays.copyOf(lags, (int) Math.min(count, lags.length));
      percentiles(f, l);
    }
    return f;
  }

  private static void percentiles(Figures f, long[] lags) {
    if (lags.length == 0) {
      return;
    }
    Arrays.sort(lags);
    f.lagP50Ms = lags[lags.length / 2] / 1e6;
    f.lagP99Ms = lags[(int) Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)] / 1e6;
    f.lagMaxMs = lags[lags.length - 1] / 1e6;
  }

  /** The real scheduler with {@code n} planned probes. */
  static final class Run implements AutoCloseable {
    final ProbeScheduler scheduler;
    final AtomicLong results = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicInteger lagIndex = new AtomicInteger();
    volatile long[] lags = new long[0];
    volatile boolean recording;
    final List<ResourceID> services = new ArrayList<>();

    Run(int n, int concurrency, Path dir, int port) {
      this(n, concurrency, dir, (name, i) -> spec(name, i % 2 == 0 ? port : -1));
    }

    /** {@code n} probes made by {@code specs} from a name and an index. */
    Run(int n, int concurrency, Path dir, java.util.function.BiFunction<String, Integer, ProbeSpec> specs) {
      ProbeObserver observer = new ProbeObserver() {
        @Override
        public void onResult(ResourceID service, String probe, String kind, boolean success, long latencyNanos) {
          results.incrementAndGet();
          if (!success) {
            failures.incrementAndGet();
          }
        }

        @Override
        public void onStart(ResourceID service, String probe, long lagNanos) {
          if (recording) {
            long[] l = lags;
            int i = lagIndex.getAndIncrement();
            if (i < l.length) {
              l[i] = lagNanos;
            }
          }
        }
      };
      scheduler = new ProbeScheduler(concurrency, Clock.systemUTC(), (s, p, c) -> { }, observer);
      ProbeTarget target = new ProbeTarget("127.0.0.1", dir, List.of(), Map.of(), "bench");
      int perService = 100;
      for (int s = 0; s * perService < n; s++) {
        ResourceID id = new ResourceID("svc-" + s, "bench");
        services.add(id);
        List<PlannedProbe> probes = new ArrayList<>();
        for (int i = 0; i < perService && s * perService + i < n; i++) {
          probes.add(new PlannedProbe(ProbeKey.of("p" + i), specs.apply("p" + i, s * perService + i), target, "1"));
        }
        scheduler.plan(id, probes);
      }
    }

    /** httpGet with expect.cel over the JSON reply: half TCP, half unix socket. */
    static ProbeSpec celSpec(String name, int index, int port) {
      ProbeSpec spec = spec(name, index % 2 == 0 ? port : -1);
      ExpectSpec expect = new ExpectSpec();
      expect.setCel("status == 200 && json.status == \"ok\" && headers['content-type'].startsWith('application/json')");
      spec.setExpect(expect);
      return spec;
    }

    /** grpc.health.v1 Check over TCP. */
    static ProbeSpec grpcSpec(String name, int port) {
      GrpcAction a = new GrpcAction();
      a.setPort(new IntOrString(port));
      ProbeSpec spec = new ProbeSpec();
      spec.setName(name);
      spec.setGrpc(a);
      spec.setPeriodSeconds(1);
      spec.setTimeoutSeconds(1);
      return spec;
    }

    static ProbeSpec spec(String name, int port) {
      HttpGetAction a = new HttpGetAction();
      a.setPath("/health");
      if (port > 0) {
        a.setPort(new IntOrString(port));
      } else {
        a.setUnixSocket("bench.sock");
      }
      ProbeSpec spec = new ProbeSpec();
      spec.setName(name);
      spec.setHttpGet(a);
      spec.setPeriodSeconds(1);
      spec.setTimeoutSeconds(1);
      return spec;
    }

    /** Lets the jittered first runs spread out for {@code rampSeconds}, then measures. */
    Figures measure(int seconds, int rampSeconds) throws InterruptedException {
      Thread.sleep(TimeUnit.SECONDS.toMillis(rampSeconds)); // a benchmark, not a test: wall-clock phases
      lags = new long[(int) Math.min(50_000_000L, (long) services.size() * 100 * seconds * 2L)];
      lagIndex.set(0);
      long cpu0 = probeThreadsCpu();
      long proc0 = OS.getProcessCpuTime();
      long r0 = results.get();
      long f0 = failures.get();
      long t0 = System.nanoTime();
      recording = true;
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      recording = false;
      long done = results.get() - r0;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      Figures f = new Figures();
      f.rate = done / elapsed;
      f.failures = failures.get() - f0;
      f.probeCpuUs = (probeThreadsCpu() - cpu0) / 1e3 / Math.max(1, done);
      f.processCpuUs = (OS.getProcessCpuTime() - proc0) / 1e3 / Math.max(1, done);
      percentiles(f, Arrays.copyOf(lags, Math.min(lagIndex.get(), lags.length)));
      return f;
    }

    @Override
    public void close() {
      services.forEach(scheduler::cancel);
      scheduler.close();
    }
  }

  /** CPU time of the scheduler's threads (timer and pool). */
  static long probeThreadsCpu() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("probe")) {
        long t = THREADS.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          total += t;
        }
      }
    }
    return total;
  }
}
