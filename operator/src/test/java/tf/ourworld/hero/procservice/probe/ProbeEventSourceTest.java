package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

class ProbeEventSourceTest {
  @Test
  void forwardsEachChangeAsAnEventForTheService() {
    ProbeEventSource source = new ProbeEventSource();
    List<Event> events = new CopyOnWriteArrayList<>();
    source.setEventHandler(events::add);
    ResourceID id = new ResourceID("hero-foundry", "hero");

    source.onChange(id, ProbeState.unknown("rpc"), ProbeState.unknown("rpc"));
    assertThat(events).isEmpty(); // not started yet

    source.start();
    source.onChange(id, ProbeState.unknown("rpc"), ProbeState.unknown("rpc"));
    assertThat(events).extracting(Event::getRelatedCustomResourceID).containsExactly(id);
    assertThat(source.name()).isEqualTo(ProbeEventSource.NAME);
    assertThat(source.getSecondaryResources(new ProcService())).isEmpty();

    source.stop();
    source.onChange(id, ProbeState.unknown("rpc"), ProbeState.unknown("rpc"));
    assertThat(events).hasSize(1);
  }
}
