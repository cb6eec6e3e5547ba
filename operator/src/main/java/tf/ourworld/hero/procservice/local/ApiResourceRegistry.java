package tf.ourworld.hero.procservice.local;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The resource types the embedded API announces in discovery: a fixed set of built-in kinds that
 * kubectl and the operator use, plus every CustomResourceDefinition created in it.
 */
public final class ApiResourceRegistry {
  private final List<ApiResource> resources = new CopyOnWriteArrayList<>();

  /** A registry with the built-in kinds the operator and kubectl touch. */
  public static ApiResourceRegistry withBuiltIns() {
    ApiResourceRegistry r = new ApiResourceRegistry();
    r.resources.add(ApiResource.builtIn("", "v1", "Namespace", "namespaces", false, "ns"));
    r.resources.add(ApiResource.builtIn("", "v1", "Event", "events", true, "ev"));
    r.resources.add(ApiResource.builtIn("", "v1", "Pod", "pods", true, "po"));
    r.resources.add(ApiResource.builtIn("", "v1", "ConfigMap", "configmaps", true, "cm"));
    r.resources.add(ApiResource.builtIn("", "v1", "Secret", "secrets", true));
    r.resources.add(ApiResource.builtIn("", "v1", "Service", "services", true, "svc"));
    r.resources.add(ApiResource.builtIn("", "v1", "ServiceAccount", "serviceaccounts", true, "sa"));
    r.resources.add(ApiResource.builtIn("events.k8s.io", "v1", "Event", "events", true, "ev"));
    r.resources.add(ApiResource.builtIn("coordination.k8s.io", "v1", "Lease", "leases", true));
    r.resources.add(ApiResource.builtIn("apiextensions.k8s.io", "v1", "CustomResourceDefinition",
        "customresourcedefinitions", false, "crd", "crds"));
    return r;
  }

  /** Adds (or replaces) the served versions of a CRD. */
  public void addCrd(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    var names = spec.getNames();
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (Boolean.FALSE.equals(v.getServed())) {
        continue;
      }
      boolean status = v.getSubresources() != null && v.getSubresources().getStatus() != null;
      ApiResource res = new ApiResource(spec.getGroup(), v.getName(), names.getKind(), names.getPlural(),
          names.getSingular() == null ? names.getKind().toLowerCase(java.util.Locale.ROOT) : names.getSingular(),
          "Namespaced".equals(spec.getScope()), names.getShortNames(), names.getCategories(), status,
          v.getAdditionalPrinterColumns(),
          v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null ? null
              : io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().valueToTree(v.getSchema().getOpenAPIV3Schema()));
      resources.removeIf(r -> r.group().equals(res.group()) && r.version().equals(res.version())
          && r.plural().equals(res.plural()));
      resources.add(res);
    }
  }

  /** Removes every version of a deleted CRD. */
  public void removeCrd(String group, String plural) {
    resources.removeIf(r -> r.group().equals(group) && r.plural().equals(plural));
  }

  /** All resources, in registration order. */
  public List<ApiResource> all() {
    return List.copyOf(resources);
  }

  /** The resource served at group/version/plural. */
  public Optional<ApiResource> find(String group, String version, String plural) {
    return resources.stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  /** The API groups other than core, each with its versions, in registration order. */
  public List<String> groups() {
    List<String> groups = new ArrayList<>();
    for (ApiResource r : resources) {
      if (!r.group().isEmpty() && !groups.contains(r.group())) {
        groups.add(r.group());
      }
    }
    return groups;
  }

  /** The versions of a group, in registration order. */
  public List<String> versions(String group) {
    List<String> versions = new ArrayList<>();
    for (ApiResource r : resources) {
      if (r.group().equals(group) && !versions.contains(r.version())) {
        versions.add(r.version());
      }
    }
    return versions;
  }
}
