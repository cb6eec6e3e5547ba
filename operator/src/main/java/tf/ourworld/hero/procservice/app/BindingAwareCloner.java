package tf.ourworld.hero.procservice.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.Cloner;
import tf.ourworld.hero.procservice.model.ProcService;

/**
 * JOSDK's cloning (through the client's serialization) with one addition: the binding problem of
 * a ProcService the model could not read (ProcServiceDeserializer) is not serialized, so it is
 * carried over to the clone the reconciler gets.
 */
final class BindingAwareCloner implements Cloner {
  private final KubernetesClient client;

  BindingAwareCloner(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    R copy = client.getKubernetesSerialization().clone(object);
    if (object instanceof ProcService from && copy instanceof ProcService to && from.getSpec() != null
        && from.getSpec().bindingProblem() != null && to.getSpec() != null) {
      to.getSpec().setBindingProblem(from.getSpec().bindingProblem());
    }
    return copy;
  }
}
