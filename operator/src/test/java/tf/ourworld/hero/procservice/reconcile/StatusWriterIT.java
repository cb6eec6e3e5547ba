package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceStatus;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;

/**
 * StatusWriter against a CRUD API server, with the cached copy the reconciler would hold passed in
 * by hand: a cache that lags behind the writer's own last write, one that has caught up, and one
 * holding someone else's status.
 */
class StatusWriterIT {
  MockApi api;
  StatusWriter writer;

  @BeforeEach
  void setUp() {
    api = new MockApi();
    writer = new StatusWriter(api.operatorClient());
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  ProcService created(String name) {
    ProcService p = new ProcService();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("hero").build());
    return api.client().resource(p).create();
  }

  ProcService onServer(String name) {
    return api.client().resources(ProcService.class).inNamespace("hero").withName(name).get();
  }

  static ProcServiceStatus status(ServiceState state, String reason) {
    ProcServiceStatus s = new ProcServiceStatus();
    s.setState(state);
    s.setReason(reason);
    s.setMessage(reason + " (message)");
    s.setObservedGeneration(1L);
    return s;
  }

  @Test
  void aCacheStillHoldingAnEqualStatusFromBeforeOurLastWriteDoesNotHideTheNextOne() {
    // a previous run of the operator left Running
    created("shop");
    assertThat(new StatusWriter(api.operatorClient()).write(onServer("shop"), status(ServiceState.Running, "AllProbesPassing")))
        .isTrue();
    ProcService cached = onServer("shop");

    // this run restarts the processes (Starting), and the probes pass before the cache saw the Starting
    assertThat(writer.write(cached, status(ServiceState.Starting, "Starting"))).isTrue();
    assertThat(onServer("shop").getStatus().getState()).isEqualTo(ServiceState.Starting);
    assertThat(writer.write(cached, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    assertThat(onServer("shop").getStatus().getState()).isEqualTo(ServiceState.Running);

    // and the same again from the same stale cache is not written twice
    long writes = api.statusWrites("shop");
    assertThat(writer.write(cached, status(ServiceState.Running, "AllProbesPassing"))).isFalse();
    assertThat(api.statusWrites("shop")).isEqualTo(writes);
  }

  @Test
  void aCacheThatCaughtUpIsWhatTheNextWriteIsComparedWith() {
    created("shop");
    assertThat(writer.write(onServer("shop"), status(ServiceState.Degraded, "ProbeFailed"))).isTrue();
    ProcService caughtUp = onServer("shop");
    assertThat(writer.isOwnWrite(caughtUp)).as("the echo of our write").isTrue();

    assertThat(writer.write(caughtUp, status(ServiceState.Degraded, "ProbeFailed"))).isFalse();
    assertThat(writer.write(caughtUp, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    assertThat(onServer("shop").getStatus().getReason()).isEqualTo("AllProbesPassing");
  }

  @Test
  void aStatusWrittenBySomeoneElseIsNotOurEchoAndIsPutRight() {
    created("shop");
    assertThat(writer.write(onServer("shop"), status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    api.client().resources(ProcService.class).inNamespace("hero").withName("shop").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"state\":\"Failed\",\"reason\":\"ByHand\",\"nextRestartTime\":\"2026-12-07T12:00:00Z\"}}");
    ProcService edited = onServer("shop");
    assertThat(writer.isOwnWrite(edited)).isFalse();

    assertThat(writer.write(edited, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    ProcServiceStatus now = onServer("shop").getStatus();
    assertThat(now.getState()).isEqualTo(ServiceState.Running);
    assertThat(now.getReason()).isEqualTo("AllProbesPassing");
    assertThat(now.getNextRestartTime()).as("status is set whole: nothing of the hand edit stays").isNull();
  }

  @Test
  void theEchoFilterDropsOnlyOurOwnStatusWrite() {
    OwnStatusEchoFilter filter = new OwnStatusEchoFilter(writer);
    ProcService before = created("shop");
    assertThat(writer.write(before, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    ProcService echo = onServer("shop");
    assertThat(filter.accept(echo, before)).as("our own write's echo").isFalse();

    ProcService annotated = onServer("shop");
    annotated.getMetadata().setAnnotations(java.util.Map.of("hero.ourworld.tf/restart", "1"));
    assertThat(filter.accept(annotated, before)).as("the same version, seen after a relist with an annotation").isTrue();

    api.client().resources(ProcService.class).inNamespace("hero").withName("shop").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"reason\":\"ByHand\"}}");
    assertThat(filter.accept(onServer("shop"), echo)).as("someone else's status write").isTrue();
  }

  /** The watch may deliver the echo before the patch's response is back: it is told by its status then. */
  @Test
  void anEchoArrivingBeforeTheResponseIsStillOurs() {
    OwnStatusEchoFilter filter = new OwnStatusEchoFilter(writer);
    ProcService before = created("shop");
    java.util.List<Boolean> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    api.beforeStatusResponse(json -> accepted.add(filter.accept(
        api.client().getKubernetesSerialization().unmarshal(json, ProcService.class), before)));

    assertThat(writer.write(before, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    assertThat(accepted).as("the echo, seen while the write was in flight").containsExactly(false);

    // someone else's different status, written while ours is in flight, is not ours
    api.beforeStatusResponse(json -> {
      ProcService other = api.client().getKubernetesSerialization().unmarshal(json, ProcService.class);
      other.getStatus().setReason("ByHand");
      other.getMetadata().setResourceVersion(other.getMetadata().getResourceVersion() + "0");
      accepted.add(filter.accept(other, before));
    });
    ProcService cached = onServer("shop");
    assertThat(writer.write(cached, status(ServiceState.Degraded, "ProbeFailed"))).isTrue();
    assertThat(accepted).containsExactly(false, true);
  }

  /** A write to a service deleted meanwhile writes nothing and forgets the service. */
  @Test
  void aWriteToADeletedServiceForgetsIt() {
    ProcService before = created("shop");
    assertThat(writer.write(before, status(ServiceState.Running, "AllProbesPassing"))).isTrue();
    ProcService echo = onServer("shop");
    api.client().resources(ProcService.class).inNamespace("hero").withName("shop").delete();
    assertThat(writer.write(echo, status(ServiceState.Degraded, "ProbeFailed"))).as("404: nothing written").isFalse();
    assertThat(writer.isOwnWrite(echo)).isFalse();
  }

  /** A refused write says what the API server said, and changes nothing the writer knew. */
  @Test
  void aRefusedWriteSaysWhyAndIsMadeAgainLater() {
    ProcService before = created("shop");
    api.refuseStatusWrites(422, "status.state: Unsupported value: \"Bogus\"");
    assertThatThrownBy(() -> writer.write(before, status(ServiceState.Running, "AllProbesPassing")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(RuntimeErrors.message(e))
              .isEqualTo("Runtime error: API server answered 422: status.state: Unsupported value: \"Bogus\"");
        });
    api.refuseStatusWrites(0, null);
    assertThat(writer.write(before, status(ServiceState.Running, "AllProbesPassing"))).as("written now").isTrue();
    assertThat(onServer("shop").getStatus().getState()).isEqualTo(ServiceState.Running);
    assertThat(writer.isOwnWrite(onServer("shop"))).as("its version, read from the response").isTrue();
  }

  @Test
  void theVersionAWriteMadeIsReadFromTheResponseWithoutTheRest() {
    assertThat(StatusWriter.resourceVersion(("{\"apiVersion\":\"x/v1\",\"spec\":{\"metadata\":{\"resourceVersion\":\"no\"}},"
        + "\"metadata\":{\"name\":\"a\",\"labels\":{\"resourceVersion\":\"no\"},\"resourceVersion\":\"42\"},"
        + "\"status\":{}}").getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("42");
    assertThat(StatusWriter.resourceVersion("{\"metadata\":{\"name\":\"a\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isNull();
    assertThat(StatusWriter.resourceVersion("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
    assertThat(StatusWriter.resourceVersion(new byte[0])).isNull();
  }
}
