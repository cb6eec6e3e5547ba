package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.Reason;

class FirstVerdictWaitTest {
  final FirstVerdictWait wait = new FirstVerdictWait();
  final ResourceID id = new ResourceID("shop", "hero");
  final Instant t0 = Instant.parse("2026-12-07T12:00:00Z");

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
}
