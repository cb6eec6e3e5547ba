package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.HttpGetAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;

/** Test ProcServices. */
public final class Services {
  private Services() {
  }

  /** A Pod-runtime service with the given processes. */
  public static ProcService pod(String namespace, String name, ProcessSpec... processes) {
    ProcService s = new ProcService();
    s.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    s.getSpec().setRuntime(RuntimeKind.Pod);
    s.getSpec().setProcesses(new ArrayList<>(List.of(processes)));
    return s;
  }

  public static ProcessSpec process(String name, String image, PortSpec... ports) {
    ProcessSpec p = new ProcessSpec();
    p.setName(name);
    p.setImage(image);
    p.setPorts(new ArrayList<>(List.of(ports)));
    return p;
  }

  public static ProcessSpec env(ProcessSpec p, String name, String value) {
    p.getEnv().add(new EnvVarSpec(name, value));
    return p;
  }

  /** An httpGet probe on a port number or name. */
  public static ProbeSpec http(String name, String process, IntOrString port, String path) {
    ProbeSpec probe = new ProbeSpec();
    probe.setName(name);
    probe.setProcess(process);
    HttpGetAction get = new HttpGetAction();
    get.setPort(port);
    get.setPath(path);
    probe.setHttpGet(get);
    return probe;
  }
}
