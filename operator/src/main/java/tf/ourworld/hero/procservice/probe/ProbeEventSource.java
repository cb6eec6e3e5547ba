package tf.ourworld.hero.procservice.probe;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.EventHandler;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * A JOSDK event source that triggers a reconcile of a ProcService whenever one of its probes
 * changes state. Pass it to the {@link ProbeScheduler} as its listener and register it with the
 * reconciler's event sources. It holds no secondary resources: the reconciler reads the states
 * from the scheduler.
 */
public final class ProbeEventSource extends AbstractEventSource<ProbeState, ProcService> implements ProbeListener {
  public static final String NAME = "probes";

  public ProbeEventSource() {
    super(ProbeState.class, NAME);
  }

  @Override
  public void onChange(ResourceID service, ProbeState previous, ProbeState current) {
    EventHandler handler = getEventHandler();
    // Before the controller starts there is nobody to tell; its first reconcile reads states anyway.
    if (handler != null && isRunning()) {
      handler.handleEvent(new Event(service));
    }
  }

  @Override
  public Set<ProbeState> getSecondaryResources(ProcService primary) {
    return Set.of();
  }
}
