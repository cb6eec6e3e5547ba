package tf.ourworld.hero.procservice.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer's store that keeps objects without {@code metadata.managedFields}: the operator never
 * reads them (it patches with JSON and merge patches, never server-side apply), and in a cached
 * ProcService or Pod they are the largest part (one nested map per field a manager owns). The same
 * as controller-runtime's {@code TransformStripManagedFields}.
 */
public final class ManagedFieldsDroppingStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> compact;

  public ManagedFieldsDroppingStore() {
    this(UnaryOperator.identity());
  }

  /** Also applies {@code compact} to each object before it is kept (e.g. {@link CachedTexts#share}). */
  public ManagedFieldsDroppingStore(UnaryOperator<T> compact) {
    super(Cache::metaNamespaceKeyFunc);
    this.compact = compact;
  }

  @Override
  public T put(String key, T obj) {
    if (obj.getMetadata() != null) {
      obj.getMetadata().setManagedFields(null);
    }
    return super.put(key, compact.apply(obj));
  }
}
