package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconcileRequestsTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final ReconcileRequests requests = new ReconcileRequests(nanos::get);
  final List<ResourceID> passedOn = new CopyOnWriteArrayList<>();
  final ResourceID a = new ResourceID("a", "shop");
  final ResourceID b = new ResourceID("b", "shop");

  @BeforeEach
  void start() {
    AbstractEventSource<?, ?> source = (AbstractEventSource<?, ?>) requests.eventSource();
    source.setEventHandler((Event e) -> passedOn.add(e.getRelatedCustomResourceID()));
    source.start();
  }

  @AfterEach
  void close() {
    requests.close();
  }

  @Test
  void aRequestMadeWhileOneIsComingIsNotPassedOn() {
    requests.request(a);
    requests.request(a);
    requests.request(b);
    requests.request(a);
    assertThat(passedOn).containsExactly(a, b);
  }

  @Test
  void onceAReconcileStartedTheNextChangeAsksAgain() {
    requests.request(a);
    requests.takenUp(a);
    assertThat(requests.waiting(a)).isFalse();
    requests.request(a);
    assertThat(passedOn).containsExactly(a, a);
  }

  @Test
  void aRequestNeverTakenUpStopsStandingInForNewOnes() {
    requests.request(a);
    nanos.addAndGet(ReconcileRequests.STANDS_FOR.toNanos() - 1);
    requests.request(a);
    assertThat(passedOn).as("still standing in").containsExactly(a);
    nanos.addAndGet(1);
    requests.request(a);
    assertThat(passedOn).as("a dropped request delays a service by STANDS_FOR at most").containsExactly(a, a);
  }

  @Test
  void aForgottenServiceIsAskedForAfresh() {
    requests.request(a);
    requests.forget(a);
    requests.request(a);
    assertThat(passedOn).containsExactly(a, a);
  }

  @Test
  void beforeTheSourceRunsNothingIsPassedOnOrHeldAgainstLaterRequests() {
    ReconcileRequests notStarted = new ReconcileRequests(nanos::get);
    try {
      List<ResourceID> got = new CopyOnWriteArrayList<>();
      AbstractEventSource<?, ?> source = (AbstractEventSource<?, ?>) notStarted.eventSource();
      source.setEventHandler((Event e) -> got.add(e.getRelatedCustomResourceID()));
      notStarted.request(a);
      assertThat(notStarted.waiting(a)).isFalse();
      source.start();
      notStarted.request(a);
      assertThat(got).containsExactly(a);
    } finally {
      notStarted.close();
    }
  }

  @Test
  void aTimedRequestIsPassedOnWhenItIsDueUnlessOneIsComing() {
    requests.requestAfter(a, Duration.ofMillis(50));
    await().atMost(Duration.ofSeconds(10)).until(() -> passedOn.contains(a));

    requests.request(b);
    var due = requests.requestAfter(b, Duration.ofMillis(50));
    await().atMost(Duration.ofSeconds(10)).until(due::isDone);
    assertThat(passedOn).as("b's reconcile was already coming").containsExactly(a, b);
  }

  @Test
  void aWithdrawnTimedRequestIsNeverPassedOn() {
    var due = requests.requestAfter(a, Duration.ofMillis(200));
    due.cancel(false);
    var later = requests.requestAfter(b, Duration.ofMillis(400));
    await().atMost(Duration.ofSeconds(10)).until(later::isDone);
    assertThat(passedOn).containsExactly(b);
  }
}
