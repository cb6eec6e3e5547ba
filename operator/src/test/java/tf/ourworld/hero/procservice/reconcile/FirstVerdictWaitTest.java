package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;

class FirstVerdictWaitTest {
  final ReconcileRequests requests = new ReconcileRequests();
  final FirstVerdictWait wait = new FirstVerdictWait(requests);
  final ResourceID id = new ResourceID("shop", "hero");
  final Instant t0 = Instant.parse("2026-12-07T12:00:00Z");
  final List<ResourceID> reconciles = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    AbstractEventSource<?, ?> source = (AbstractEventSource<?, ?>) requests.eventSource();
    source.setEventHandler((Event e) -> reconciles.add(e.getRelatedCustomResourceID()));
    source.start();
  }

  @AfterEach
  void close() {
    requests.close();
  }

  static ProcServiceStatus status(Reason reason) {
    ProcServiceStatus s = new ProcServiceStatus();
    s.setReason(reason.name());
    return s;
  }

  @Test
  void aFreshServiceWaitingOnlyForProbesIsHeldBackUntilTheWaitIsOver() {
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), t0)).isEqualTo(FirstVerdictWait.WAIT);
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), t0.plusMillis(500)))
        .isEqualTo(FirstVerdictWait.WAIT.minusMillis(500));
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), t0.plus(FirstVerdictWait.WAIT)))
        .as("a probe that has not answered by then holds nothing back").isNull();
  }

  @Test
  void aVerdictAnyOtherReasonOrAServiceWithStatusIsWrittenAtOnce() {
    assertThat(wait.holdBack(id, null, status(Reason.AllProbesPassing), t0)).isNull();
    assertThat(wait.holdBack(id, null, status(Reason.Starting), t0)).as("processes being started").isNull();
    assertThat(wait.holdBack(id, new ProcServiceStatus(), status(Reason.ProbesPending), t0))
        .as("a service that has a status: every change is written").isNull();
  }

  @Test
  void theWaitStartsAgainOnlyForAServiceItForgot() {
    wait.holdBack(id, null, status(Reason.ProbesPending), t0);
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), t0.plusSeconds(5))).isNull();
    wait.forget(id);
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), t0.plusSeconds(5))).isEqualTo(FirstVerdictWait.WAIT);
  }

  @Test
  void theEndOfTheWaitAsksForAReconcile() {
    Instant now = Instant.now();
    assertThat(wait.holdBack(id, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(100)))
        .isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciles.contains(id));
  }

  @Test
  void whenTheProbesHaveAnsweredTheEndOfTheWaitAddsNoReconcile() {
    Instant now = Instant.now();
    wait.holdBack(id, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(100));
    requests.request(id); // a probe's first verdict: a reconcile is coming, not taken up yet
    ResourceID other = new ResourceID("other", "hero");
    wait.holdBack(other, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciles.contains(other));
    assertThat(reconciles).as("the probe's request, then only the other service's timer").containsExactly(id, other);
  }

  @Test
  void aServiceThatGotAStatusOrWasForgottenHasNoTimerLeft() {
    Instant now = Instant.now();
    wait.holdBack(id, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(200));
    wait.holdBack(id, new ProcServiceStatus(), status(Reason.AllProbesPassing), now);
    ResourceID other = new ResourceID("other", "hero");
    wait.holdBack(other, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(400));
    wait.forget(other);
    ResourceID third = new ResourceID("third", "hero");
    wait.holdBack(third, null, status(Reason.ProbesPending), now.minus(FirstVerdictWait.WAIT).plusMillis(600));
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciles.contains(third));
    assertThat(reconciles).containsExactly(third);
  }
}
