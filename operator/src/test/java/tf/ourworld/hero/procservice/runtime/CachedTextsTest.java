package tf.ourworld.hero.procservice.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;

class CachedTextsTest {
  static final String JSON = """
      {"apiVersion":"hero.ourworld.tf/v1alpha1","kind":"ProcService",
       "metadata":{"name":"%s","namespace":"shop","finalizers":["hero.ourworld.tf/finalizer"],
         "creationTimestamp":"2026-12-07T12:00:00Z","resourceVersion":"7"},
       "spec":{"runtime":"Process","processes":[{"name":"main","command":["/bin/sleep","infinity"]}]},
       "status":{"state":"Running","reason":"AllProbesPassing","message":"All 1 probes passing",
         "lastTransitionTime":"2026-12-07T12:00:01Z","probesReady":"1/1",
         "conditions":[{"type":"Ready","status":"True","reason":"AllProbesPassing","message":"All 1 probes passing",
           "lastTransitionTime":"2026-12-07T12:00:01Z","observedGeneration":1}],
         "processes":[{"name":"main","state":"Running","pid":%d,"startTime":"2026-12-07T12:00:00Z"}],
         "probes":[{"name":"tcp","result":"Success","consecutiveFailures":0}]}}
      """;

  static ProcService decoded(String name, int pid) {
    return Serialization.unmarshal(JSON.formatted(name, pid), ProcService.class);
  }

  @Test
  void twoServicesDecodedApartShareTheirRepeatedTextsAndKeepTheirOwn() {
    ProcService a = decoded("a", 100);
    ProcService b = decoded("b", 200);
    assertThat(b.getStatus().getConditions().get(0).getMessage())
        .as("decoding alone gives each its own copy").isNotSameAs(a.getStatus().getConditions().get(0).getMessage());

    CachedTexts.share(a);
    CachedTexts.share(b);

    assertThat(b.getStatus().getConditions().get(0).getMessage()).isSameAs(a.getStatus().getConditions().get(0).getMessage());
    assertThat(b.getStatus().getConditions().get(0).getLastTransitionTime())
        .isSameAs(a.getStatus().getLastTransitionTime());
    assertThat(b.getStatus().getProcesses().get(0).getState()).isSameAs(a.getStatus().getProcesses().get(0).getState());
    assertThat(b.getStatus().getProbes().get(0).getResult()).isSameAs(a.getStatus().getProbes().get(0).getResult());
    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getMetadata().getFinalizers().get(0)).isSameAs(a.getMetadata().getFinalizers().get(0));
    // nothing changes in value, and what differs stays apart
    assertThat(Serialization.asJson(a)).isEqualTo(Serialization.asJson(decoded("a", 100)));
    assertThat(b.getStatus().getProcesses().get(0).getPid()).isEqualTo(200L);
    b.getMetadata().getFinalizers().add("other/finalizer");
    assertThat(a.getMetadata().getFinalizers()).containsExactly("hero.ourworld.tf/finalizer");
  }
}
