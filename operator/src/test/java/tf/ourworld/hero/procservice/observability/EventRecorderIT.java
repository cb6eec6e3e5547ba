package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import tf.ourworld.hero.procservice.model.Reason;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

@EnableKubernetesMockClient(crud = true)
class EventRecorderIT {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
  private EventRecorder recorder;
  private ProcService svc;

  @BeforeEach
  void setUp() {
    client.v1().events().inNamespace("hero").delete();
    client.resources(ProcService.class).inNamespace("hero").delete();
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName("hero-foundry").withNamespace("hero").build());
    svc = client.resource(p).create();
    recorder = new EventRecorder(client, clock, "operator-0");
  }

  @AfterEach
  void tearDown() {
    recorder.close();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("hero").list().getItems();
  }

  private void recordAndFlush(Reason reason, String message) {
    recorder.record(svc, reason, message);
    assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void writesAnEventAboutTheResource() {
    recordAndFlush(Reason.ProbeFailed, "Probe ui failed 3 times: GET unix:ui.sock/health: empty reply");

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("ProbeFailed");
      assertThat(e.getMessage()).isEqualTo("Probe ui failed 3 times: GET unix:ui.sock/health: empty reply");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-28T02:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2026-11-28T02:00:00Z");
      assertThat(e.getSource().getComponent()).isEqualTo("procservice-operator");
      assertThat(e.getReportingComponent()).isEqualTo("procservice-operator");
      assertThat(e.getReportingInstance()).isEqualTo("operator-0");
      assertThat(e.getMetadata().getName()).startsWith("hero-foundry.");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("ProcService");
      assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("hero.ourworld.tf/v1alpha1");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("hero-foundry");
      assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("hero");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo(svc.getMetadata().getUid()).isNotBlank();
      assertThat(e.getInvolvedObject().getResourceVersion()).isEqualTo(svc.getMetadata().getResourceVersion());
    });
  }

  @Test
  void aRepeatWithinTheWindowBumpsCountInsteadOfAddingAnEvent() {
    recordAndFlush(Reason.Restarting, "Restarting process ui");
    clock.advance(Duration.ofMinutes(3));
    recordAndFlush(Reason.Restarting, "Restarting process ui");
    clock.advance(Duration.ofMinutes(3));
    recordAndFlush(Reason.Restarting, "Restarting process ui");

    assertThat(events()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getCount()).isEqualTo(3);
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-28T02:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2026-11-28T02:06:00Z");
    });
  }

  @Test
  void anotherMessageOrReasonIsAnotherEvent() {
    recordAndFlush(Reason.ProbeFailed, "Probe ui failed 3 times: empty reply");
    recordAndFlush(Reason.ProbeFailed, "Probe rpc failed 3 times: timeout after 1s");
    recordAndFlush(Reason.Recovered, "Probe ui failed 3 times: empty reply");

    assertThat(events()).hasSize(3).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void aRepeatAfterTheWindowStartsANewEvent() {
    recordAndFlush(Reason.ProbeFailed, "Probe ui failed 3 times: empty reply");
    clock.advance(EventRecorder.DEDUP_WINDOW.plusSeconds(1));
    recordAndFlush(Reason.ProbeFailed, "Probe ui failed 3 times: empty reply");

    assertThat(events()).hasSize(2).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void aRepeatOfAnEventDeletedMeanwhileCreatesItAgain() {
    recordAndFlush(Reason.RestartLimitExceeded, "5 restarts within 600s: giving up until reset");
    client.v1().events().inNamespace("hero").delete();
    await().until(() -> events().isEmpty());

    recordAndFlush(Reason.RestartLimitExceeded, "5 restarts within 600s: giving up until reset");

    assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void messagesAreOneLine() {
    recordAndFlush(Reason.InvalidSpec, "spec.probes[0]: exactly one action\nis required\r\n");
    assertThat(events()).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("spec.probes[0]: exactly one action is required"));
    assertThat(EventRecorder.oneLine("x".repeat(5000))).hasSize(EventRecorder.MAX_MESSAGE).endsWith("...");
    String cut = EventRecorder.oneLine("é".repeat(1000));
    assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(EventRecorder.MAX_MESSAGE);
    assertThat(cut).startsWith("éé").endsWith("...");
  }

  @Test
  void anUnreachableApiServerIsLoggedNeverThrown() {
    try (KubernetesClient dead = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(500).build()).build();
        EventRecorder broken = new EventRecorder(dead, clock, "operator-0")) {
      broken.record(svc, Reason.ProbeFailed, "Probe ui failed 3 times");
      assertThat(broken.flush(Duration.ofSeconds(30))).isTrue();
    }
  }
}
