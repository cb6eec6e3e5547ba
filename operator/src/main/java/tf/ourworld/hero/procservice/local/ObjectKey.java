package tf.ourworld.hero.procservice.local;

/**
 * Where a stored object lives: its resource type (API group and plural, every version alike), its
 * namespace ("" for cluster-scoped objects) and its name.
 */
record ObjectKey(String group, String plural, String namespace, String name) {

  /** The object a request path names; its name may be null (a collection). */
  static ObjectKey of(ResourcePath rp) {
    return new ObjectKey(rp.group(), rp.plural(), rp.namespace() == null ? "" : rp.namespace(), rp.name());
  }

  /** The same type and namespace, with this name. */
  ObjectKey named(String otherName) {
    return new ObjectKey(group, plural, namespace, otherName);
  }

  /** The resource type: group and plural. */
  String type() {
    return group + "/" + plural;
  }
}
