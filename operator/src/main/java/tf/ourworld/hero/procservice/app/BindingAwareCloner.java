package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.Cloner;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * JOSDK's cloning (through the client's serialization) with two differences: the copy goes through
 * Jackson's token buffer, not a JSON string (JOSDK's default writes the object as text and parses
 * it back; a clone per reconcile was a tenth of the operator's Java CPU at a cold start of 10,000
 * services); and the binding problem of a ProcService the model could not read
 * (ProcServiceDeserializer), which is not serialized, is carried over to the clone the reconciler
 * gets.
 */
final class BindingAwareCloner implements Cloner {
  private final KubernetesClient client;

  BindingAwareCloner(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    @SuppressWarnings("unchecked")
    R copy = (R) client.getKubernetesSerialization().convertValue(object, object.getClass());
    if (object instanceof ProcService from && copy instanceof ProcService to && from.getSpec() != null
        && from.getSpec().bindingProblem() != null && to.getSpec() != null) {
      to.getSpec().setBindingProblem(from.getSpec().bindingProblem());
    }
    return copy;
  }
}
