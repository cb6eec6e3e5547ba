package tf.ourworld.hero.procservice.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A service the operator keeps actually working: its processes and the handler probes that prove it. */
@Group(ProcService.GROUP)
@Version(ProcService.VERSION)
@Kind("ProcService")
@Plural("procservices")
@Singular("procservice")
@ShortNames("psvc")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.probesReady", type = Type.STRING)
@AdditionalPrinterColumn(name = "Restarts", jsonPath = ".status.restarts", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.reason", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = Type.STRING, priority = 1)
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ProcServiceDeserializer.class)
@SchemaCustomizer(value = SchemaCustomizer.MergePatchCustomizer.class, input = ProcService.SCHEMA_DESCRIPTIONS)
public class ProcService extends CustomResource<ProcServiceSpec, ProcServiceStatus> implements Namespaced {
  public static final String GROUP = "hero.ourworld.tf";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "procservices." + GROUP;
  /** The schema root's description (what {@code kubectl explain psvc} shows), merged in by the CRD generator. */
  static final String SCHEMA_DESCRIPTIONS = """
      {"description": "A service the operator keeps actually working: its processes (as a Pod, local processes on the operator's host, or pods someone else made) and the handler probes that prove it works. The status says Running, Degraded, Stopped or Failed with a one-line reason."}
      """;

  /** Any new value runs every probe of the resource at once. */
  public static final String ANNOTATION_PROBE_NOW = GROUP + "/probe-now";
  /** Any new value leaves Failed and clears the restart window. */
  public static final String ANNOTATION_RESET_FAILED = GROUP + "/reset-failed";
  /**
   * Any new value restarts processes at once, outside backoff (counted and evented): the value is
   * {@code TOKEN} (every process) or {@code TOKEN;NAME,NAME} (those processes).
   */
  public static final String ANNOTATION_RESTART = GROUP + "/restart";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_PROCSERVICE = GROUP + "/procservice";
  public static final String MANAGER_NAME = "procservice-operator";
  public static final String FINALIZER = GROUP + "/finalizer";

  // Overridden only to describe the inherited fields in the schema (kubectl explain psvc.spec / .status).
  @Override
  @JsonPropertyDescription("What should run and how to tell that it works: the runtime, the processes, the probes, the recovery policy.")
  public ProcServiceSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed: the state (Starting, Running, Degraded, Stopped, Failed) with a reason and message, the processes, the probes and the conditions (Ready, Degraded, Reconciling, Stalled). Written by the operator only.")
  public ProcServiceStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected ProcServiceSpec initSpec() {
    return new ProcServiceSpec();
  }

  @Override
  protected ProcServiceStatus initStatus() {
    return null;
  }
}
