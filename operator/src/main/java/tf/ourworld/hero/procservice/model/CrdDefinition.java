package tf.ourworld.hero.procservice.model;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ProcService CRD as shipped: generated from the model by fabric8's CRD generator, with the
 * printer columns put in the order kubectl should show them (the generator sorts them by name).
 */
public final class CrdDefinition {
  /** Where the build writes the generated CRD on the classpath. */
  public static final String GENERATED_RESOURCE = "/META-INF/fabric8/" + ProcService.CRD_NAME + "-v1.yml";
  /** The committed file, relative to the project root. */
  public static final String COMMITTED_PATH = "crds/" + ProcService.CRD_NAME + "-v1.yml";
  /** Column order: STATE, READY, RESTARTS, REASON, AGE, then MESSAGE (priority 1). */
  public static final List<String> COLUMN_ORDER = List.of("State", "Ready", "Restarts", "Reason", "Age", "Message");

  private CrdDefinition() {
  }

  /** The CRD as an object. */
  public static CustomResourceDefinition load() {
    return Serialization.unmarshal(yaml(), CustomResourceDefinition.class);
  }

  /** The CRD as YAML text, exactly as committed in crds/. */
  public static String yaml() {
    try (InputStream in = CrdDefinition.class.getResourceAsStream(GENERATED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("CRD " + GENERATED_RESOURCE + " missing from the classpath: run mvn process-classes");
      }
      return reorderColumns(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites the generator's YAML with the printer columns in {@link #COLUMN_ORDER}. */
  static String reorderColumns(String generatedYaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(generatedYaml, CustomResourceDefinition.class);
    crd.getSpec().getVersions().forEach(v -> {
      List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
      cols.sort(Comparator.comparingInt(c -> {
        int i = COLUMN_ORDER.indexOf(c.getName());
        return i < 0 ? COLUMN_ORDER.size() : i;
      }));
      v.setAdditionalPrinterColumns(cols);
    });
    return "# Generated from the ProcService model (operator/src/main/java/.../model) by fabric8's CRD generator,\n"
        + "# columns ordered by CrdDefinition. Do not edit: run `mvn -pl operator process-classes` and the\n"
        + "# CrdDriftTest tells how to refresh this file.\n"
        + Serialization.asYaml(crd);
  }
}
