package tf.ourworld.hero.procservice.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * The one update that triggers no reconcile: the informer's echo of the operator's own status
 * write, told by the resourceVersion that write made, or by its status while the write's response
 * is not back yet: the watch can deliver first ({@link StatusWriter#isOwnWrite}). It decides
 * nothing new (the runtimes and probes trigger a reconcile for whatever changes there) and was
 * half the reconciles of a cold start. Every other update triggers one: a spec change, the
 * annotations (restart, probe-now, reset-failed), labels, finalizers, a deletion, and a status
 * written by anyone else, which the operator puts right at once. The informer's cache takes every
 * update either way.
 */
public final class OwnStatusEchoFilter implements OnUpdateFilter<ProcService> {
  private final StatusWriter writer;

  public OwnStatusEchoFilter(StatusWriter writer) {
    this.writer = writer;
  }

  @Override
  public boolean accept(ProcService updated, ProcService old) {
    if (updated == null || old == null || updated.getMetadata() == null || old.getMetadata() == null) {
      return true;
    }
    return !(writer.isOwnWrite(updated) && sameApartFromStatus(updated.getMetadata(), old.getMetadata()));
  }

  /**
   * A status write changes none of these; after an informer's relist its echo may come as the
   * difference to an older version that does (not one event per version), and then it must count.
   */
  private static boolean sameApartFromStatus(ObjectMeta a, ObjectMeta b) {
    return Objects.equals(a.getGeneration(), b.getGeneration())
        && Objects.equals(a.getAnnotations(), b.getAnnotations())
        && Objects.equals(a.getLabels(), b.getLabels())
        && Objects.equals(a.getFinalizers(), b.getFinalizers())
        && Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        && Objects.equals(a.getOwnerReferences(), b.getOwnerReferences());
  }
}
