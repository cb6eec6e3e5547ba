package tf.ourworld.hero.procservice.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;

/** The copy JOSDK hands the reconciler: equal to the cached object, sharing nothing mutable with it. */
class BindingAwareClonerTest {
  final KubernetesClient client = new KubernetesClientBuilder()
      .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build();
  final BindingAwareCloner cloner = new BindingAwareCloner(client);

  @AfterEach
  void close() {
    client.close();
  }

  static ProcService service() {
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace("hero").withResourceVersion("42")
        .withGeneration(3L).withLabels(Map.of("app", "shop")).withAnnotations(Map.of("hero.ourworld.tf/restart", "1"))
        .build());
    ProcServiceSpec spec = new ProcServiceSpec();
    spec.setRuntime(RuntimeKind.Track);
    ProbeSpec probe = new ProbeSpec();
    probe.setName("http");
    probe.setPeriodSeconds(10);
    spec.setProbes(new ArrayList<>(List.of(probe)));
    p.setSpec(spec);
    ProcServiceStatus status = new ProcServiceStatus();
    status.setState(ServiceState.Running);
    status.setReason("AllProbesPassing");
    p.setStatus(status);
    return p;
  }

  @Test
  void theCopyIsEqualAndSharesNothingMutable() {
    ProcService original = service();
    String before = client.getKubernetesSerialization().asJson(original);

    ProcService copy = cloner.clone(original);

    assertThat(client.getKubernetesSerialization().asJson(copy)).isEqualTo(before);
    assertThat(copy).isNotSameAs(original);
    assertThat(copy.getMetadata()).isNotSameAs(original.getMetadata());
    assertThat(copy.getSpec()).isNotSameAs(original.getSpec());
    assertThat(copy.getSpec().getProbes()).isNotSameAs(original.getSpec().getProbes());
    assertThat(copy.getStatus()).isNotSameAs(original.getStatus());

    copy.getSpec().getProbes().get(0).setPeriodSeconds(1);
    copy.getSpec().getProbes().add(new ProbeSpec());
    copy.getMetadata().getLabels().put("app", "changed");
    copy.getStatus().setState(ServiceState.Degraded);
    assertThat(client.getKubernetesSerialization().asJson(original)).as("the cached object is untouched").isEqualTo(before);
  }

  @Test
  void aBindingProblemIsCarriedOver() {
    ProcService original = service();
    original.getSpec().setBindingProblem("spec.probes[0].timeoutSeconds: value out of range");
    assertThat(cloner.clone(original).getSpec().bindingProblem()).isEqualTo("spec.probes[0].timeoutSeconds: value out of range");
    assertThat(cloner.clone(service()).getSpec().bindingProblem()).isNull();
  }
}
