package tf.ourworld.hero.procservice.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class ManagedFieldsDroppingStoreTest {

  @Test
  void keepsEverythingButTheManagedFieldsUnderTheInformersKey() {
    ManagedFieldsDroppingStore<Pod> store = new ManagedFieldsDroppingStore<>();
    Pod pod = new PodBuilder().withNewMetadata().withNamespace("shop").withName("web-1").addToLabels("app", "web")
        .withResourceVersion("7").addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet")
            .withOperation("Update").withNewFieldsV1().addToAdditionalProperties("f:status", java.util.Map.of()).endFieldsV1()
            .build())
        .endMetadata().withNewStatus().withPodIP("127.1.0.9").endStatus().build();

    store.put(store.getKey(pod), pod);

    Pod kept = store.get("shop/web-1");
    assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(kept.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(kept.getStatus().getPodIP()).isEqualTo("127.1.0.9");
    assertThat(store.size()).isEqualTo(1);
  }
}
