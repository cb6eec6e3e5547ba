package tf.ourworld.hero.procservice.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stored objects (JSON) by resource type, then namespace and name in one sorted map: a get is
 * a hash and a tree lookup, a list visits only the objects of its type (and namespace), in the
 * namespace/name order etcd lists them in. Reads need no lock; the {@link ApiStore} serialises
 * writes.
 */
final class ObjectIndex {
  /** Between namespace and name: '/' is in neither (DNS names); '0' is the next character. */
  private static final char SEPARATOR = '/';
  private static final char AFTER_SEPARATOR = '0';

  private final Map<String, NavigableMap<String, String>> byType = new ConcurrentHashMap<>();
  /** Objects looked at by gets and lists, so tests can tell a lookup from a scan without timing. */
  private final AtomicLong visited = new AtomicLong();

  /** The object at key (with a name), or null. */
  String get(ObjectKey key) {
    visited.incrementAndGet();
    NavigableMap<String, String> objects = byType.get(key.type());
    return objects == null ? null : objects.get(slot(key.namespace(), key.name()));
  }

  void put(ObjectKey key, String json) {
    byType.computeIfAbsent(key.type(), t -> new ConcurrentSkipListMap<>()).put(slot(key.namespace(), key.name()), json);
  }

  void remove(ObjectKey key) {
    NavigableMap<String, String> objects = byType.get(key.type());
    if (objects != null) {
      objects.remove(slot(key.namespace(), key.name()));
    }
  }

  /** The objects of key's type, in key's namespace unless it is "" (every namespace), by namespace and name. */
  List<String> list(ObjectKey key) {
    NavigableMap<String, String> objects = byType.get(key.type());
    if (objects == null) {
      return List.of();
    }
    Collection<String> selected = key.namespace().isEmpty() ? objects.values()
        : objects.subMap(key.namespace() + SEPARATOR, true, key.namespace() + AFTER_SEPARATOR, false).values();
    List<String> out = new ArrayList<>(selected);
    visited.addAndGet(out.size());
    return out;
  }

  /** Every stored object. */
  List<String> all() {
    List<String> out = new ArrayList<>();
    byType.values().forEach(m -> out.addAll(m.values()));
    visited.addAndGet(out.size());
    return out;
  }

  /** How many objects gets and lists have looked at so far. */
  long visited() {
    return visited.get();
  }

  private static String slot(String namespace, String name) {
    return namespace + SEPARATOR + name;
  }
}
