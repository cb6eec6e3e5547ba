package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.findings.Findings;
import tf.ourworld.hero.procservice.model.ProbeStatus;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;

class StatusPageTest {
  private final StatusBoard board = new StatusBoard(Clock.fixed(Instant.parse("2026-12-02T07:00:00Z"), ZoneOffset.UTC));
  private final StatusPage page = new StatusPage(board);

  private static ProcServiceStatus status(ServiceState state, String reason, String message) {
    ProcServiceStatus s = new ProcServiceStatus();
    s.setState(state);
    s.setReason(reason);
    s.setMessage(message);
    s.setProbesReady("0/1");
    s.setRestarts(2);
    return s;
  }

  @Test
  void showsEachServiceEscapedAndTheTransitionsNewestFirst() {
    ProcService svc = ProcServiceFixture.named("web").in("hero").build();
    ProcServiceStatus starting = status(ServiceState.Starting, "ProbesPending", "Waiting");
    ProcServiceStatus degraded = status(ServiceState.Degraded, "ProbeFailed", "probe http failed: <script>x</script>");
    ProbeStatus probe = new ProbeStatus();
    probe.setName("http");
    probe.setResult("Failure");
    probe.setConsecutiveFailures(3);
    probe.setLastError("HTTP 503 & more");
    degraded.setProbes(List.of(probe));
    board.statusChanged(svc, null, starting, Findings.none(null));
    board.statusChanged(svc, starting, degraded, Findings.none(null));
    board.statusChanged(svc, degraded, degraded, Findings.none(null)); // no change: no transition
    board.current(svc, degraded);

    String html = page.page();
    assertThat(html).startsWith("<!doctype html>").contains("\u25d0 hero/web \u2014 <span class=\"state\">Degraded</span>")
        .contains("probe http failed: &lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>x")
        .contains("<td class=\"err\">HTTP 503 &amp; more</td>").contains("<meta name=\"viewport\"");
    assertThat(board.transitions()).hasSize(2);
    assertThat(board.transitions().get(0).to()).isEqualTo("Degraded");
    assertThat(page.main()).doesNotContain("<html");

    board.forget(svc);
    assertThat(page.main()).contains("No ProcService reconciled yet.");
  }

  @Test
  void keepsOnlyTheRecentTransitions() {
    ProcService svc = ProcServiceFixture.named("web").in("hero").build();
    for (int i = 0; i < StatusBoard.MAX_TRANSITIONS + 10; i++) {
      board.restarting(svc, "server", "try " + i);
    }
    assertThat(board.transitions()).hasSize(StatusBoard.MAX_TRANSITIONS);
    assertThat(board.transitions().get(0).message()).isEqualTo("Restarting server: try " + (StatusBoard.MAX_TRANSITIONS + 9));
  }
}
