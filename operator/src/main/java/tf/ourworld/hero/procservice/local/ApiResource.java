package tf.ourworld.hero.procservice.local;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.util.List;

/**
 * One resource type the embedded API announces in discovery, with what kubectl needs to print it.
 *
 * @param group API group, "" for the core group
 * @param version API version
 * @param kind kind
 * @param plural plural resource name (the URL segment)
 * @param singular singular name
 * @param namespaced whether objects live in a namespace
 * @param shortNames short names (kubectl get psvc)
 * @param categories categories (kubectl get all)
 * @param statusSubresource whether {@code <plural>/status} is served
 * @param printerColumns the CRD's additionalPrinterColumns, or empty for built-in kinds
 * @param schema the CRD version's openAPIV3Schema (for defaulting), or null for built-in kinds
 */
public record ApiResource(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    boolean statusSubresource,
    List<CustomResourceColumnDefinition> printerColumns,
    com.fasterxml.jackson.databind.JsonNode schema) {

  public ApiResource {
    shortNames = shortNames == null ? List.of() : List.copyOf(shortNames);
    categories = categories == null ? List.of() : List.copyOf(categories);
    printerColumns = printerColumns == null ? List.of() : List.copyOf(printerColumns);
  }

  /** A built-in kind without printer columns. */
  static ApiResource builtIn(String group, String version, String kind, String plural, boolean namespaced,
      String... shortNames) {
    return new ApiResource(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), namespaced,
        List.of(shortNames), List.of(), false, List.of(), null);
  }

  /** "v1" for the core group, "group/version" otherwise. */
  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
