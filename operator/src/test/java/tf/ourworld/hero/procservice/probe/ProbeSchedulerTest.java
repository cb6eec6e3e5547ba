package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tf.ourworld.hero.procservice.probe.Specs.httpGet;
import static tf.ourworld.hero.procservice.probe.Specs.loopback;
import static tf.ourworld.hero.procservice.probe.Specs.named;
import static tf.ourworld.hero.procservice.probe.Specs.timing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.probe.TestServer.Reply;

class ProbeSchedulerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
  private static final ResourceID SVC = new ResourceID("hero-foundry", "hero");

  /** A listener call. */
  record Change(ResourceID service, ProbeState previous, ProbeState current) {
  }

  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ProbeObserver observer = (service, probe, kind, success, latency) ->
      runs.computeIfAbsent(probe, k -> new AtomicInteger()).incrementAndGet();
  private ProbeScheduler scheduler;

  @BeforeEach
  void setUp() {
    scheduler = new ProbeScheduler(4, Clock.fixed(NOW, ZoneOffset.UTC),
        (service, previous, current) -> changes.add(new Change(service, previous, current)), observer);
  }

  @AfterEach
  void tearDown() throws Exception {
    scheduler.close();
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private TestServer server(TestServer.Handler handler) throws Exception {
    TestServer s = TestServer.http(handler);
    closeables.add(s);
    return s;
  }

  private int runs(String probe) {
    AtomicInteger n = runs.get(probe);
    return n == null ? 0 : n.get();
  }

  private List<ProbeState> changesOf(String probe) {
    return changes.stream().map(Change::current).filter(s -> s.key().equals(ProbeKey.of(probe))).collect(Collectors.toList());
  }

  private static PlannedProbe planned(ProbeSpec spec, String incarnation) {
    return new PlannedProbe(ProbeKey.of(spec.getName()), spec, loopback(), incarnation);
  }

  private ProbeState state(String probe) {
    return scheduler.states(SVC).get(ProbeKey.of(probe));
  }

  @Test
  void failuresCountUpToTheThresholdThenStayQuiet() throws Exception {
    TestServer s = server(r -> Reply.http(500, ""));
    scheduler.plan(SVC, List.of(planned(timing(httpGet(s.port(), "/"), 1, 1, 3, 1), "a")));
    assertThat(state("web")).isEqualTo(ProbeState.unknown(ProbeKey.of("web")));

    await().atMost(Duration.ofSeconds(15)).until(() -> state("web").failed());
    int runsAtFailure = runs("web");
    await().atMost(Duration.ofSeconds(15)).until(() -> runs("web") >= runsAtFailure + 2);

    List<ProbeState> seen = changesOf("web");
    assertThat(seen).extracting(ProbeState::result, ProbeState::consecutiveFailures).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ProbeResult.Unknown, 1),
        org.assertj.core.groups.Tuple.tuple(ProbeResult.Unknown, 2),
        org.assertj.core.groups.Tuple.tuple(ProbeResult.Failure, 3));
    ProbeState failed = seen.get(2);
    assertThat(failed.lastError()).isEqualTo("GET http://127.0.0.1:" + s.port() + "/: HTTP 500");
    assertThat(failed.lastTransitionTime()).isEqualTo(NOW);
    assertThat(changes).allMatch(c -> c.service().equals(SVC));
  }

  @Test
  void aHandlerFailingEveryOtherRequestIsFlapping() throws Exception {
    AtomicInteger n = new AtomicInteger();
    TestServer s = server(r -> Reply.http(n.incrementAndGet() % 2 == 0 ? 503 : 200, ""));
    ProbeSpec spec = timing(httpGet(s.port(), "/"), 1, 1, 3, 1);
    spec.setFailureWindow(new tf.ourworld.hero.procservice.model.FailureWindowSpec(2, 60));
    scheduler.plan(SVC, List.of(planned(spec, "a")));

    await().atMost(Duration.ofSeconds(15)).until(() -> state("web").failed());
    assertThat(state("web").lastError())
        .isEqualTo("flapping: 2 failures in 60s; last: GET http://127.0.0.1:" + s.port() + "/: HTTP 503");
    assertThat(changesOf("web")).noneMatch(st -> st.consecutiveFailures() > 1); // never 2 in a row
  }

  @Test
  void recoversAfterSuccessThresholdPasses() throws Exception {
    AtomicInteger status = new AtomicInteger(503);
    TestServer s = server(r -> Reply.http(status.get(), ""));
    scheduler.plan(SVC, List.of(planned(timing(httpGet(s.port(), "/"), 1, 1, 1, 2), "a")));
    await().atMost(Duration.ofSeconds(15)).until(() -> state("web").failed());

    status.set(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> state("web").passing());
    List<ProbeState> seen = changesOf("web");
    ProbeState halfway = seen.get(seen.size() - 2);
    assertThat(halfway.result()).isEqualTo(ProbeResult.Failure);
    assertThat(halfway.consecutiveFailures()).isZero();
    assertThat(halfway.lastError()).endsWith("HTTP 503");
    assertThat(seen.get(seen.size() - 1).lastError()).isNull();
  }

  @Test
  void incarnationChangeResetsCountersWhileAnUnchangedPlanKeepsThem() throws Exception {
    TestServer s = server(r -> Reply.http(500, ""));
    ProbeSpec spec = timing(httpGet(s.port(), "/"), 1, 1, 10, 1);
    scheduler.plan(SVC, List.of(planned(spec, "pid-1")));
    await().atMost(Duration.ofSeconds(15)).until(() -> state("web").consecutiveFailures() >= 2);

    ProbeSpec sameSpec = timing(httpGet(s.port(), "/"), 1, 1, 10, 1); // equal content, new object
    scheduler.plan(SVC, List.of(planned(sameSpec, "pid-1")));
    assertThat(state("web").consecutiveFailures()).isGreaterThanOrEqualTo(2);

    scheduler.plan(SVC, List.of(planned(sameSpec, "pid-2")));
    assertThat(state("web")).isEqualTo(ProbeState.unknown(ProbeKey.of("web")));
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.liveTasks() == 1);
  }

  @Test
  void cancelAndReplanLeaveNoLiveTasks() throws Exception {
    TestServer ok = server(r -> Reply.http(200, ""));
    TestServer hang = server(r -> Reply.HANG);
    List<ResourceID> services = List.of(SVC, new ResourceID("b", "hero"), new ResourceID("c", "other"));
    for (ResourceID id : services) {
      List<PlannedProbe> probes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        probes.add(planned(named(timing(httpGet(ok.port(), "/"), 1, 1, 3, 1), "p" + i), "a"));
      }
      probes.add(planned(named(timing(httpGet(hang.port(), "/"), 1, 5, 3, 1), "hang"), "a"));
      scheduler.plan(id, probes);
    }
    assertThat(scheduler.liveTasks()).isEqualTo(15);
    await().atMost(Duration.ofSeconds(15)).until(() -> hang.connections() >= 3); // hanging runs in flight

    // replan: two probes kept, one changed, the rest dropped
    scheduler.plan(SVC, List.of(
        planned(named(timing(httpGet(ok.port(), "/"), 1, 1, 3, 1), "p0"), "a"),
        planned(named(timing(httpGet(ok.port(), "/"), 1, 1, 3, 1), "p1"), "a"),
        planned(named(timing(httpGet(ok.port(), "/other"), 1, 1, 3, 1), "p2"), "a")));
    assertThat(scheduler.states(SVC)).containsOnlyKeys(ProbeKey.of("p0"), ProbeKey.of("p1"), ProbeKey.of("p2"));
    await().atMost(Duration.ofSeconds(15)).until(() -> scheduler.liveTasks() == 13);

    services.forEach(scheduler::cancel);
    assertThat(scheduler.states(SVC)).isEmpty();
    await().atMost(Duration.ofSeconds(15)).until(() -> scheduler.liveTasks() == 0);
    scheduler.plan(SVC, List.of());
    assertThat(scheduler.liveTasks()).isZero();
  }

  @Test
  void aHangingProbeDoesNotDelayAnother() throws Exception {
    TestServer hang = server(r -> Reply.HANG);
    TestServer ok = server(r -> Reply.http(200, ""));
    scheduler.plan(SVC, List.of(
        planned(named(timing(httpGet(hang.port(), "/"), 1, 60, 3, 1), "stuck"), "a"),
        planned(named(timing(httpGet(ok.port(), "/"), 1, 1, 3, 1), "fine"), "a")));
    await().atMost(Duration.ofSeconds(20)).until(() -> hang.connections() >= 1 && runs("fine") >= 3);
    assertThat(runs("stuck")).isZero(); // still hanging, and "fine" kept its schedule meanwhile
    assertThat(state("fine").passing()).isTrue();
  }

  @Test
  void aHealthyProbeCausesNoListenerCallsAfterItsFirstVerdict() throws Exception {
    TestServer s = server(r -> Reply.http(200, "ok"));
    scheduler.plan(SVC, List.of(planned(timing(httpGet(s.port(), "/"), 1, 1, 3, 1), "a")));
    await().atMost(Duration.ofSeconds(20)).until(() -> runs("web") >= 5);
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).previous().result()).isEqualTo(ProbeResult.Unknown);
    assertThat(changes.get(0).current().result()).isEqualTo(ProbeResult.Success);
  }

  /**
   * Probes planned together (an operator meeting thousands of services at once) answer promptly,
   * then spread over their period: their second runs are not one period after the first, all at once.
   */
  @Test
  void freshProbesPlannedTogetherSpreadOverThePeriodAfterTheirFirstVerdict() throws Exception {
    TestServer s = server(r -> Reply.http(200, "ok"));
    Map<ResourceID, List<Long>> runTimes = new ConcurrentHashMap<>();
    ProbeScheduler spread = new ProbeScheduler(4, Clock.systemUTC(), (service, previous, current) -> { },
        (service, probe, kind, success, latency) ->
            runTimes.computeIfAbsent(service, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime()));
    closeables.add(spread);
    int n = 40;
    for (int i = 0; i < n; i++) {
      spread.plan(new ResourceID("svc-" + i, "hero"), List.of(planned(timing(httpGet(s.port(), "/"), 2, 1, 3, 1), "a")));
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> runTimes.size() == n && runTimes.values().stream().allMatch(t -> t.size() >= 2));
    // On the grid, each second run would come a whole period (2 s) after the first; spread, it comes
    // anywhere in the period: 40 intervals all over one second has odds of ~1e-12. A late run on a
    // loaded machine can only shorten an interval, never make this fail.
    long shortest = runTimes.values().stream().mapToLong(t -> t.get(1) - t.get(0)).min().orElseThrow();
    assertThat(Duration.ofNanos(shortest)).as("some second run well within the period").isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void runNowRunsAtOnce() throws Exception {
    TestServer s = server(r -> Reply.http(200, ""));
    ProbeSpec spec = timing(httpGet(s.port(), "/"), 3600, 1, 3, 1);
    // its first scheduled run an hour away: the one run is runNow's (a fresh probe's first run is
    // otherwise within its 250 ms warm-up retry, and could answer the request or run beside it)
    spec.setInitialDelaySeconds(3600);
    scheduler.plan(SVC, List.of(planned(spec, "a")));
    scheduler.runNow(SVC, "r1");
    await().atMost(Duration.ofSeconds(10)).until(() -> state("web").passing());
    assertThat(runs("web")).isEqualTo(1);
    scheduler.runNow(new ResourceID("unknown", "x"), "r1"); // no probes: nothing happens
  }

  /** A fresh process's handler that is not answering yet is retried without counting, until it passes. */
  @Test
  void aProbeWarmsUpAfterAStartWithoutCountingFailures() throws Exception {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    TestServer s = server(r -> seen.incrementAndGet() <= 2 ? Reply.http(503, "") : Reply.http(200, ""));
    ProbeSpec spec = timing(httpGet(s.port(), "/"), 60, 1, 1, 1); // a failure would fail it at once
    scheduler.plan(SVC, List.of(planned(spec, "a")));
    await().atMost(Duration.ofSeconds(30)).until(() -> state("web").passing());
    assertThat(seen.get()).isGreaterThanOrEqualTo(3);
    assertThat(changesOf("web")).allSatisfy(st -> assertThat(st.consecutiveFailures()).isZero());
  }

  /** A run on request is visible as such: which request it answered and its own outcome, once per request. */
  @Test
  void aRunOnRequestTellsWhichRequestItAnswered() throws Exception {
    TestServer s = server(r -> Reply.http(503, ""));
    ProbeSpec spec = timing(httpGet(s.port(), "/"), 3600, 1, 3, 1);
    scheduler.plan(SVC, List.of(planned(spec, "a")));
    scheduler.runNow(SVC, "r1");
    await().atMost(Duration.ofSeconds(10)).until(() -> state("web").requested() != null);
    ProbeState.RequestedRun first = state("web").requested();
    assertThat(first.request()).isEqualTo("r1");
    assertThat(first.success()).isFalse();
    assertThat(first.error()).contains("HTTP 503");
    assertThat(state("web").result()).as("one failure of three: not yet failed").isEqualTo(ProbeResult.Unknown);
    scheduler.runNow(SVC, "r2");
    await().atMost(Duration.ofSeconds(10)).until(() -> "r2".equals(state("web").requested().request()));
    assertThat(changesOf("web")).extracting(st -> st.requested() == null ? null : st.requested().request())
        .containsSubsequence("r1", "r2");
  }

  @Test
  void runNowWithATokenSaysOnceEveryRunHasEnded() throws Exception {
    TestServer s = server(r -> Reply.http(503, ""));
    List<ResourceID> done = new CopyOnWriteArrayList<>();
    ProbeScheduler tokened = new ProbeScheduler(2, Clock.fixed(NOW, ZoneOffset.UTC), new ProbeListener() {
      @Override
      public void onChange(ResourceID service, ProbeState previous, ProbeState current) {
      }

      @Override
      public void onRunNowDone(ResourceID service) {
        done.add(service);
      }
    }, observer);
    closeables.add(tokened::close);
    // first scheduled runs an hour away: the runs are runNow's (a fresh probe's first run is otherwise
    // within its 250 ms warm-up retry, and one that fired before runNow would be counted here too)
    ProbeSpec a = named(timing(httpGet(s.port(), "/a"), 3600, 1, 3, 1), "a");
    ProbeSpec b = named(timing(httpGet(s.port(), "/b"), 3600, 1, 3, 1), "b");
    a.setInitialDelaySeconds(3600);
    b.setInitialDelaySeconds(3600);
    tokened.plan(SVC, List.of(planned(a, "x"), planned(b, "x")));
    assertThat(tokened.runNowDone(SVC)).isNull();

    tokened.runNow(SVC, "t1");
    await().atMost(Duration.ofSeconds(10)).until(() -> "t1".equals(tokened.runNowDone(SVC)));
    assertThat(runs("a")).isEqualTo(1);
    assertThat(runs("b")).isEqualTo(1);
    assertThat(tokened.states(SVC).values()).allMatch(st -> st.consecutiveFailures() == 1);
    assertThat(done).containsExactly(SVC);

    ResourceID none = new ResourceID("nothing", "hero");
    tokened.runNow(none, "t2"); // no probes planned: done at once
    assertThat(tokened.runNowDone(none)).isEqualTo("t2");
    tokened.cancel(SVC);
    assertThat(tokened.runNowDone(SVC)).isNull();
  }

  @Test
  void everyFailedRunLogsOneProbeFailedLine() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("tf.ourworld.hero.procservice.probe");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      TestServer s = server(r -> Reply.CLOSE);
      scheduler.plan(SVC, List.of(planned(timing(httpGet(s.port(), "/health"), 1, 1, 3, 1), "a")));
      await().atMost(Duration.ofSeconds(15)).until(() -> runs("web") >= 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> appender.list.size() >= 2);
      ILoggingEvent event = appender.list.get(0);
      assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(event.getMessage()).isEqualTo("probe failed");
      Map<String, Object> kv = event.getKeyValuePairs().stream()
          .collect(Collectors.toMap(p -> p.key, p -> p.value, (a, b) -> a, java.util.LinkedHashMap::new));
      assertThat(kv).containsEntry("event", "probe_failed").containsEntry("namespace", "hero")
          .containsEntry("name", "hero-foundry").containsEntry("probe", "web").containsEntry("kind", "httpGet")
          .containsEntry("target", "GET http://127.0.0.1:" + s.port() + "/health")
          .containsEntry("error", "empty reply").containsEntry("consecutiveFailures", 1)
          .containsKey("latencyMs");
      assertThat(kv.keySet()).containsExactly("event", "namespace", "name", "probe", "kind", "target", "error",
          "consecutiveFailures", "latencyMs");
      assertThat(appender.list.get(1).getKeyValuePairs()).contains(new KeyValuePair("consecutiveFailures", 2));
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void anInvalidProbeFailsWithItsReason() {
    ProbeSpec spec = timing(Specs.httpGetUnix("../escape.sock", "/"), 1, 1, 1, 1);
    scheduler.plan(SVC, List.of(new PlannedProbe(ProbeKey.of("web"), spec, Specs.inDir(java.nio.file.Path.of("/tmp")), "a")));
    scheduler.runNow(SVC, "r1");
    await().atMost(Duration.ofSeconds(10)).until(() -> state("web").failed());
    assertThat(state("web").lastError()).startsWith("web: invalid probe: httpGet.unixSocket");
  }
}
