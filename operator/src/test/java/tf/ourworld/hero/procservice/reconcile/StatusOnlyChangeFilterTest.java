package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;

class StatusOnlyChangeFilterTest {
  final StatusOnlyChangeFilter filter = new StatusOnlyChangeFilter();

  static ProcService service() {
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace("hero").withGeneration(3L)
        .withResourceVersion("10").withAnnotations(Map.of("a", "1")).withLabels(Map.of("l", "1"))
        .withFinalizers(List.of()).build());
    return p;
  }

  static ProcService changed(Consumer<ProcService> change) {
    ProcService p = service();
    change.accept(p);
    return p;
  }

  @Test
  void aChangeOfStatusAloneTriggersNothing() {
    ProcService updated = changed(p -> {
      ProcServiceStatus s = new ProcServiceStatus();
      s.setState(ServiceState.Running);
      p.setStatus(s);
      p.getMetadata().setResourceVersion("11");
    });
    assertThat(filter.accept(updated, service())).isFalse();
  }

  @Test
  void specAnnotationsLabelsFinalizersAndDeletionTrigger() {
    assertThat(filter.accept(changed(p -> p.getMetadata().setGeneration(4L)), service())).as("spec").isTrue();
    assertThat(filter.accept(changed(p -> p.getMetadata().setAnnotations(Map.of("a", "2"))), service()))
        .as("annotation").isTrue();
    assertThat(filter.accept(changed(p -> p.getMetadata().setLabels(Map.of())), service())).as("labels").isTrue();
    assertThat(filter.accept(changed(p -> p.getMetadata().setFinalizers(List.of("x/y"))), service()))
        .as("finalizers").isTrue();
    assertThat(filter.accept(changed(p -> p.getMetadata().setDeletionTimestamp("2026-12-07T12:00:00Z")), service()))
        .as("deletion").isTrue();
  }
}
