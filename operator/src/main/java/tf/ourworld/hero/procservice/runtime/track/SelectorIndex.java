package tf.ourworld.hero.procservice.runtime.track;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import tf.ourworld.hero.procservice.runtime.pod.PodCache;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Track services' selectors, indexed so that a pod event finds the services selecting the pod
 * without matching every selector: a selector with {@code matchLabels} is filed under one of its
 * pairs ({@link PodCache#labelKey}), one with only {@code matchExpressions} is matched against every pod.
 * At 10,000 services a pod event costs a few map lookups instead of 10,000 matches.
 */
final class SelectorIndex {
  private final Map<ResourceID, LabelSelector> selectors = new ConcurrentHashMap<>();
  /** {@code namespace/key=value} of one matchLabels pair -> the services whose selector holds it. */
  private final Map<String, Set<ResourceID>> byLabel = new ConcurrentHashMap<>();
  /** Services whose selector has no matchLabels: matched against every pod of their namespace. */
  private final Set<ResourceID> unindexed = ConcurrentHashMap.newKeySet();

  /** The matchLabels pair a selector is filed under (its smallest key, so the choice is stable), or null. */
  static Map.Entry<String, String> filingPair(LabelSelector selector) {
    Map<String, String> labels = selector.getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      return null;
    }
    String key = labels.keySet().stream().min(String::compareTo).orElseThrow();
    return Map.entry(key, labels.get(key));
  }

  /** Files or refiles the service's selector; null removes it. */
  void put(ResourceID id, LabelSelector selector) {
    if (selector == null || LabelSelectorMatcher.isEmpty(selector)) {
      remove(id);
      return;
    }
    LabelSelector previous = selectors.put(id, selector);
    if (previous != null && !previous.equals(selector)) {
      unfile(id, previous);
    }
    String ns = id.getNamespace().orElse("");
    Map.Entry<String, String> pair = filingPair(selector);
    if (pair == null) {
      unindexed.add(id);
    } else {
      byLabel.computeIfAbsent(PodCache.labelKey(ns, pair.getKey(), pair.getValue()), k -> ConcurrentHashMap.newKeySet()).add(id);
    }
  }

  boolean contains(ResourceID id) {
    return selectors.containsKey(id);
  }

  void remove(ResourceID id) {
    LabelSelector previous = selectors.remove(id);
    if (previous != null) {
      unfile(id, previous);
    }
  }

  private void unfile(ResourceID id, LabelSelector selector) {
    Map.Entry<String, String> pair = filingPair(selector);
    if (pair == null) {
      unindexed.remove(id);
      return;
    }
    String key = PodCache.labelKey(id.getNamespace().orElse(""), pair.getKey(), pair.getValue());
    byLabel.computeIfPresent(key, (k, ids) -> {
      ids.remove(id);
      return ids.isEmpty() ? null : ids;
    });
  }

  /** The services in namespace whose selector matches the labels (a pod's, before or after a change). */
  Set<ResourceID> selecting(String namespace, Map<String, String> labels) {
    Set<ResourceID> out = new HashSet<>();
    if (labels != null) {
      for (Map.Entry<String, String> l : labels.entrySet()) {
        Set<ResourceID> ids = byLabel.get(PodCache.labelKey(namespace, l.getKey(), l.getValue()));
        if (ids != null) {
          addMatching(ids, namespace, labels, out);
        }
      }
    }
    addMatching(unindexed, namespace, labels, out);
    return out;
  }

  private void addMatching(Set<ResourceID> ids, String namespace, Map<String, String> labels, Set<ResourceID> out) {
    for (ResourceID id : ids) {
      LabelSelector selector = selectors.get(id);
      if (selector != null && namespace.equals(id.getNamespace().orElse(null))
          && LabelSelectorMatcher.matches(selector, labels)) {
        out.add(id);
      }
    }
  }

  int size() {
    return selectors.size();
  }
}
