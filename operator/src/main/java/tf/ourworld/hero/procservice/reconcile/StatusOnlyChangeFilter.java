package tf.ourworld.hero.procservice.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * Which updates of a ProcService trigger a reconcile: every one except a change of status alone.
 * Status is this operator's own output; reconciling again after each of its own writes doubled the
 * reconciles (10,000 more at a cold start over 10,000 services) and decided nothing new, since the
 * runtimes and probes trigger a reconcile for whatever changes there. A spec change (the API server
 * bumps metadata.generation for it: the CRD has the status subresource),
 * the annotations (restart, probe-now, reset-failed), labels, finalizers and a deletion do trigger.
 * A status edited by hand is put right at the next reconcile, not at once. The informer's cache
 * takes every update either way.
 */
public final class StatusOnlyChangeFilter implements OnUpdateFilter<ProcService> {

  @Override
  public boolean accept(ProcService updated, ProcService old) {
    if (updated == null || old == null || updated.getMetadata() == null || old.getMetadata() == null) {
      return true;
    }
    ObjectMeta a = updated.getMetadata();
    ObjectMeta b = old.getMetadata();
    return !Objects.equals(a.getGeneration(), b.getGeneration())
        || !Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !Objects.equals(a.getLabels(), b.getLabels())
        || !Objects.equals(a.getFinalizers(), b.getFinalizers())
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(a.getOwnerReferences(), b.getOwnerReferences());
  }
}
