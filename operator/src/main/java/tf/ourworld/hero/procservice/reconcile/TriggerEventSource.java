package tf.ourworld.hero.procservice.reconcile;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * Turns a runtime's or the probe scheduler's "something changed for this service" into a JOSDK
 * reconcile event, so exits and probe transitions are handled at once, not at the next poll.
 */
public final class TriggerEventSource extends AbstractEventSource<Void, ProcService> {

  public TriggerEventSource(String name) {
    super(Void.class, name);
  }

  /** Asks for a reconcile of the service; dropped silently before the source is started. */
  public void trigger(ResourceID service) {
    if (isRunning() && getEventHandler() != null) {
      getEventHandler().handleEvent(new Event(service));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(ProcService primary) {
    return Set.of();
  }
}
