package tf.ourworld.hero.procservice.testing;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The one fluent builder of test ProcServices: {@code ProcServiceFixture.named("web").in("hero")
 * .process("server", "sleep", "600").httpProbe("rpc", "server", 8080, "/health").build()}.
 * Each call changes one thing; everything left out keeps the model's defaults.
 */
public final class ProcServiceFixture {
  private final String name;
  private String namespace = "default";
  private final ProcServiceSpec spec = new ProcServiceSpec();
  private final List<ProcessSpec> processes = new ArrayList<>();
  private final List<ProbeSpec> probes = new ArrayList<>();
  private ProbeSpec lastProbe;

  private ProcServiceFixture(String name) {
    this.name = name;
    spec.setRuntime(RuntimeKind.Process);
  }

  public static ProcServiceFixture named(String name) {
    return new ProcServiceFixture(name);
  }

  public ProcServiceFixture in(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public ProcServiceFixture runtime(RuntimeKind runtime) {
    spec.setRuntime(runtime);
    return this;
  }

  /** A process with the given argv (command[0] and args in one list, as the Process runtime runs it). */
  public ProcServiceFixture process(String processName, String... command) {
    ProcessSpec p = new ProcessSpec();
    p.setName(processName);
    p.setCommand(List.of(command));
    processes.add(p);
    return this;
  }

  /** Sets the image of the last process (Pod runtime). */
  public ProcServiceFixture image(String image) {
    processes.get(processes.size() - 1).setImage(image);
    return this;
  }

  /** An httpGet probe of a process on a TCP port. */
  public ProcServiceFixture httpProbe(String probeName, String process, int port, String path) {
    ProbeSpec p = new ProbeSpec();
    p.setName(probeName);
    p.setProcess(process);
    HttpGetAction h = new HttpGetAction();
    h.setPath(path);
    h.setPort(new IntOrString(port));
    p.setHttpGet(h);
    return probe(p);
  }

  public ProcServiceFixture probe(ProbeSpec probe) {
    probes.add(probe);
    lastProbe = probe;
    return this;
  }

  /** Timing of the last probe: period and failure threshold. */
  public ProcServiceFixture every(int periodSeconds, int failureThreshold) {
    lastProbe.setPeriodSeconds(periodSeconds);
    lastProbe.setFailureThreshold(failureThreshold);
    return this;
  }

  public ProcServiceFixture recovery(RecoveryAction action) {
    recoverySpec().setAction(action);
    return this;
  }

  public ProcServiceFixture backoff(int initialSeconds, int maxSeconds) {
    BackoffSpec b = new BackoffSpec();
    b.setInitialSeconds(initialSeconds);
    b.setMaxSeconds(maxSeconds);
    recoverySpec().setBackoff(b);
    return this;
  }

  public ProcServiceFixture restartLimit(int maxRestarts, int windowSeconds) {
    RestartLimitSpec l = new RestartLimitSpec();
    l.setMaxRestarts(maxRestarts);
    l.setWindowSeconds(windowSeconds);
    recoverySpec().setRestartLimit(l);
    return this;
  }

  public ProcServiceFixture stopGrace(int seconds) {
    spec.setStopGracePeriodSeconds(seconds);
    return this;
  }

  public ProcService build() {
    ProcService ps = new ProcService();
    ps.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    spec.setProcesses(new ArrayList<>(processes));
    spec.setProbes(new ArrayList<>(probes));
    ps.setSpec(spec);
    return ps;
  }

  private RecoverySpec recoverySpec() {
    if (spec.getRecovery() == null) {
      spec.setRecovery(new RecoverySpec());
    }
    return spec.getRecovery();
  }
}
