package tf.ourworld.hero.procservice.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tf.ourworld.hero.procservice.testing.ProcServiceFixture;
import tf.ourworld.hero.procservice.app.OperatorApp;
import tf.ourworld.hero.procservice.config.OperatorConfig;
import tf.ourworld.hero.procservice.deploy.ApiRequest;
import tf.ourworld.hero.procservice.deploy.RbacAudit;
import tf.ourworld.hero.procservice.model.BackoffSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcServiceSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RecoveryAction;
import tf.ourworld.hero.procservice.model.RecoverySpec;
import tf.ourworld.hero.procservice.model.RestartLimitSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.model.ServiceState;
import tf.ourworld.hero.procservice.testing.MockApi;
import tf.ourworld.hero.procservice.testing.SwitchableHttpTarget;

/**
 * The whole operator — real probe scheduler, real Process runtime, real child processes, real HTTP —
 * against the CRUD mock API.
 */
class ProcessOperatorIT {
  static final String NS = "default";
  @TempDir
  Path stateDir;
  MockApi api;
  KubernetesClient client;
  OperatorApp app;
  SwitchableHttpTarget target;
  OperatorConfig config;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi();
    client = api.client();
    target = new SwitchableHttpTarget();
    config = OperatorConfig.defaults().withHttpPort(-1).withStateDir(stateDir)
        .withProcessRuntime(true, List.of(Path.of("/bin/sleep").toRealPath().toString()));
    app = OperatorApp.start(api.operatorClient(), config);
  }

  @AfterEach
  void stop() throws Exception {
    client.resources(ProcService.class).inNamespace(NS).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(ProcService.class).inNamespace(NS).list()
        .getItems().isEmpty());
    // every request the operator made, finalizer removal included, is allowed by the shipped RBAC
    RbacAudit.assertCovers(RbacAudit.projectRoot().resolve(RbacAudit.DEPLOY_RBAC),
        api.operatorRequests().stream().map(r -> new ApiRequest(r.method(), r.path())).toList());
    app.close();
    api.close();
    target.close();
  }

  ProcService service(String name, RecoveryAction action) {
    return ProcServiceFixture.named(name).in(NS).stopGrace(2).process("server", "sleep", "600")
        .httpProbe("rpc", "server", target.port(), "/health").every(1, 2)
        .recovery(action).backoff(1, 1).restartLimit(2, 600).build();
  }

  ProcService get(String name) {
    return client.resources(ProcService.class).inNamespace(NS).withName(name).get();
  }

  ServiceState state(String name) {
    ProcService ps = get(name);
    return ps == null || ps.getStatus() == null ? null : ps.getStatus().getState();
  }

  @Test
  void healthyServiceCausesZeroStatusWrites() {
    client.resource(service("steady", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("steady") == ServiceState.Running);
    long writes = api.statusWrites("steady");
    int probesBefore = target.requests.get();
    // at least 5 periods of a 1 s probe: no status write at all
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
        .until(() -> api.statusWrites("steady") == writes);
    assertThat(target.requests.get() - probesBefore).isGreaterThanOrEqualTo(5);
    assertThat(get("steady").getStatus().getProcesses().get(0).getPid()).isPositive();
  }

  @Test
  void aChangeOfSpecRuntimeStopsWhatTheOldRuntimeRan() {
    client.resource(service("moved", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("moved") == ServiceState.Running);
    long pid = get("moved").getStatus().getProcesses().get(0).getPid();
    assertThat(alive(pid)).isTrue();

    switchToTrack("moved");

    await("the Process runtime's sleep stopped").atMost(Duration.ofSeconds(30)).until(() -> !alive(pid));
    await("status no longer shows the process").atMost(Duration.ofSeconds(30)).until(() -> {
      ProcService p = get("moved");
      return p.getStatus() != null && (p.getStatus().getProcesses() == null || p.getStatus().getProcesses().isEmpty());
    });
  }

  @Test
  void aRuntimeChangedWhileTheOperatorWasDownIsStoppedAtItsNextStart() throws Exception {
    client.resource(service("moved-offline", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("moved-offline") == ServiceState.Running);
    long pid = get("moved-offline").getStatus().getProcesses().get(0).getPid();
    app.close(); // run mode leaves the processes for the next operator to adopt
    assertThat(alive(pid)).isTrue();

    switchToTrack("moved-offline");
    app = OperatorApp.start(api.operatorClient(), config);

    await("the sleep no Process service claims is stopped").atMost(Duration.ofSeconds(30)).until(() -> !alive(pid));
  }

  /** Edits the service's spec from runtime Process to Track (a selector, no processes). */
  void switchToTrack(String name) {
    client.resources(ProcService.class).inNamespace(NS).withName(name).edit(p -> {
      p.getSpec().setRuntime(RuntimeKind.Track);
      p.getSpec().setProcesses(null);
      p.getSpec().getProbes().forEach(probe -> probe.setProcess(null));
      p.getSpec().setSelector(new LabelSelectorBuilder().addToMatchLabels("app", name).build());
      return p;
    });
  }

  /** Alive and not a zombie. */
  static boolean alive(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
      return state != 'Z' && state != 'X';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void emptyRepliesDegradeAndWarnOnlyReports() {
    client.resource(service("warned", RecoveryAction.Warn)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("warned") == ServiceState.Running);
    Long pid = get("warned").getStatus().getProcesses().get(0).getPid();
    target.emptyReplies(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> state("warned") == ServiceState.Degraded);
    ProcService ps = get("warned");
    assertThat(ps.getStatus().getReason()).isEqualTo("ProbeFailed");
    assertThat(ps.getStatus().getMessage()).startsWith("probe rpc failed 2 times: ").contains("empty reply");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> pid.equals(get("warned").getStatus().getProcesses().get(0).getPid()));
    assertThat(get("warned").getStatus().getRestarts()).isZero();

    target.emptyReplies(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> state("warned") == ServiceState.Running);
  }

  @Test
  void emptyRepliesRestartUnderBackoffUntilTheLimitThenResetResumes() {
    client.resource(service("broken", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("broken") == ServiceState.Running);
    Long firstPid = get("broken").getStatus().getProcesses().get(0).getPid();
    target.emptyReplies(true);
    await().atMost(Duration.ofSeconds(60)).until(() -> state("broken") == ServiceState.Failed);
    ProcService failed = get("broken");
    assertThat(failed.getStatus().getReason()).isEqualTo("RestartLimitExceeded");
    assertThat(failed.getStatus().getRestarts()).isEqualTo(2);
    assertThat(failed.getStatus().getNextRestartTime()).isNull();
    assertThat(failed.getStatus().getProcesses().get(0).getPid()).isNotEqualTo(firstPid);

    target.emptyReplies(false);
    client.resources(ProcService.class).inNamespace(NS).withName("broken").edit(p -> {
      p.getMetadata().setAnnotations(java.util.Map.of(ProcService.ANNOTATION_RESET_FAILED, "1"));
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> state("broken") == ServiceState.Running);
  }

  /**
   * An operator restart over a healthy, adopted process changes nothing: no status write (it stays
   * Running, Ready stays True) while the new operator probes, and no restart.
   */
  @Test
  void anOperatorRestartOverAHealthyServiceWritesNoStatus() throws Exception {
    client.resource(service("steady", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("steady") == ServiceState.Running);
    ProcService before = get("steady");
    app.close();

    int requestsBefore = api.operatorRequests().size();
    int probedBefore = target.requests.get();
    app = OperatorApp.start(api.operatorClient(), config);
    // the new operator has probed the handler twice: it has seen the service and acted on what it found
    await().atMost(Duration.ofSeconds(30)).until(() -> target.requests.get() >= probedBefore + 2);

    List<MockApi.Request> writes = api.operatorRequests().subList(requestsBefore, api.operatorRequests().size())
        .stream().filter(r -> r.path().endsWith("/status") && !r.method().equals("GET")).toList();
    assertThat(writes).isEmpty();
    ProcService after = get("steady");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getStatus().getProcesses().get(0).getPid()).isEqualTo(before.getStatus().getProcesses().get(0).getPid());
  }

  /** probe-now is seen: each probe shows the run that answered the request, with its own outcome. */
  @Test
  void probeNowShowsTheRunThatAnsweredIt() {
    client.resource(service("asked", RecoveryAction.Warn)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("asked") == ServiceState.Running);
    client.resources(ProcService.class).inNamespace(NS).withName("asked").edit(p -> {
      p.getMetadata().setAnnotations(java.util.Map.of(ProcService.ANNOTATION_PROBE_NOW, "ask-1"));
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var run = get("asked").getStatus().getProbes().get(0).getLastRequestedRun();
      return run != null && "ask-1".equals(run.getRequest());
    });
    var run = get("asked").getStatus().getProbes().get(0).getLastRequestedRun();
    assertThat(run.getResult()).isEqualTo("Success");
    assertThat(run.getTime()).isNotNull();
    assertThat(get("asked").getStatus().getHandled().getProbeNow()).isEqualTo("ask-1");
  }

  /** A crash loop is told truthfully: never Recovered, and the limit message keeps the exit and the log. */
  @Test
  void aCrashLoopNeverLooksRecoveredAndTheLimitNamesTheExitAndTheLog() {
    ProcService looping = ProcServiceFixture.named("looping").in(NS).stopGrace(1)
        .process("server", "sleep", "--no-such-option").backoff(1, 1).restartLimit(3, 600).build();
    client.resource(looping).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> state("looping") == ServiceState.Failed);
    ProcService failed = get("looping");
    assertThat(failed.getStatus().getReason()).isEqualTo("RestartLimitExceeded");
    assertThat(failed.getStatus().getMessage()).contains("last: process server exited with code 1")
        .contains("(log: " + stateDir.toAbsolutePath());
    assertThat(failed.getStatus().getRestartTimes()).hasSize(3);
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .noneMatch(e -> "Recovered".equals(e.getReason()) && e.getInvolvedObject().getName().equals("looping"));
  }

  /** A state file that cannot be written shows in status (RuntimeError), nothing forks blind, and it clears. */
  @Test
  void aStateFileThatCannotBeWrittenIsARuntimeErrorUntilItCan() throws Exception {
    client.resource(service("unwritable", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("unwritable") == ServiceState.Running);
    long pid = get("unwritable").getStatus().getProcesses().get(0).getPid();
    // a non-empty directory where the state file's temp file goes: even root cannot write it
    Path blocker = stateDir.resolve(NS).resolve("unwritable").resolve("state.json.tmp");
    java.nio.file.Files.createDirectories(blocker.resolve("x"));
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

    await().atMost(Duration.ofSeconds(30)).until(() -> "RuntimeError".equals(get("unwritable").getStatus().getReason()));
    assertThat(get("unwritable").getStatus().getMessage()).startsWith("Runtime error: cannot write ")
        .contains("state.json");
    assertThat(get("unwritable").getStatus().getState()).isEqualTo(ServiceState.Degraded);

    java.nio.file.Files.delete(blocker.resolve("x"));
    java.nio.file.Files.delete(blocker);
    await().atMost(Duration.ofSeconds(60)).until(() -> state("unwritable") == ServiceState.Running);
    assertThat(get("unwritable").getStatus().getProcesses().get(0).getPid()).isNotEqualTo(pid);
  }

  @Test
  void suspendStopsTheProcessesAndResumes() throws Exception {
    client.resource(service("sleepy", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("sleepy") == ServiceState.Running);
    long pid = get("sleepy").getStatus().getProcesses().get(0).getPid();
    client.resources(ProcService.class).inNamespace(NS).withName("sleepy").edit(p -> {
      p.getSpec().setSuspend(true);
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> "Suspended".equals(get("sleepy").getStatus().getReason()));
    assertThat(get("sleepy").getStatus().getState()).isEqualTo(ServiceState.Stopped);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    client.resources(ProcService.class).inNamespace(NS).withName("sleepy").edit(p -> {
      p.getSpec().setSuspend(false);
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> state("sleepy") == ServiceState.Running);
  }

  @Test
  void changingACommandReplacesTheProcess() {
    client.resource(service("changed", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("changed") == ServiceState.Running);
    long pid = get("changed").getStatus().getProcesses().get(0).getPid();
    client.resources(ProcService.class).inNamespace(NS).withName("changed").edit(p -> {
      p.getSpec().getProcesses().get(0).setArgs(List.of("--", "601"));
      p.getSpec().getProcesses().get(0).setCommand(List.of("sleep"));
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> state("changed") == ServiceState.Running
        && get("changed").getStatus().getProcesses().get(0).getPid() != pid);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(get("changed").getStatus().getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void deletingStopsTheProcesses() {
    client.resource(service("gone", RecoveryAction.Restart)).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> state("gone") == ServiceState.Running);
    long pid = get("gone").getStatus().getProcesses().get(0).getPid();
    client.resources(ProcService.class).inNamespace(NS).withName("gone").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get("gone") == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
