package tf.ourworld.hero.procservice.runtime.pod;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;
import tf.ourworld.hero.procservice.validation.SpecProblem;

/** What runtime Pod refuses in a spec, each problem naming its field. Pure. */
public final class PodSpecCheck {

  private PodSpecCheck() {
  }

  /** Problems that keep the service from running as a pod, with no probe agent; empty when fine. */
  public static List<SpecProblem> check(ProcService service) {
    return check(service, false);
  }

  /**
   * Problems that keep the service from running as a pod; empty when fine.
   *
   * @param agent whether the operator can give the pod a probe agent (it knows the agent image)
   */
  public static List<SpecProblem> check(ProcService service, boolean agent) {
    List<SpecProblem> problems = new ArrayList<>();
    String name = service.getMetadata().getName();
    if (name != null && name.length() > 63) {
      problems.add(SpecProblem.invalid("metadata.name: must be at most 63 characters for runtime Pod: it is"
          + " the value of the pod label " + ProcService.LABEL_PROCSERVICE));
    }
    List<ProcessSpec> processes = service.getSpec().getProcesses();
    if (processes == null || processes.isEmpty()) {
      problems.add(SpecProblem.invalid("spec.processes: at least one process is required for runtime Pod"));
    }
    for (int i = 0; processes != null && i < processes.size(); i++) {
      String image = processes.get(i).getImage();
      if (image == null || image.isBlank()) {
        problems.add(SpecProblem.invalid("spec.processes[" + i + "].image: required for runtime Pod"));
      }
    }
    problems.addAll(PodProbeCheck.check(service, RuntimeKind.Pod, agent));
    List<ProbeSpec> probes = service.getSpec().getProbes();
    for (int i = 0; probes != null && i < probes.size(); i++) {
      ProbeSpec probe = probes.get(i);
      String field = "spec.probes[" + i + "]." + probe.kind() + ".port";
      IntOrString port = port(probe);
      if (port != null && port.getStrVal() != null && !port.getStrVal().isBlank()) {
        String problem = namedPortProblem(service, probe, port.getStrVal());
        if (problem != null) {
          problems.add(SpecProblem.invalid(field + ": " + problem));
        }
      }
    }
    return problems;
  }

  private static IntOrString port(ProbeSpec probe) {
    if (probe.getHttpGet() != null) {
      return probe.getHttpGet().getPort();
    }
    if (probe.getTcpSocket() != null) {
      return probe.getTcpSocket().getPort();
    }
    if (probe.getGrpc() != null) {
      return probe.getGrpc().getPort();
    }
    return probe.getOpenRpc() != null ? probe.getOpenRpc().getPort() : null;
  }

  private static String namedPortProblem(ProcService service, ProbeSpec probe, String name) {
    if (probe.getProcess() != null) {
      return PodRuntime.namedPorts(service, probe.getProcess()).containsKey(name) ? null
          : "no port named '" + name + "' in process '" + probe.getProcess() + "'";
    }
    Set<Integer> numbers = new HashSet<>();
    for (ProcessSpec p : service.getSpec().getProcesses()) {
      Integer n = PodRuntime.namedPorts(service, p.getName()).get(name);
      if (n != null) {
        numbers.add(n);
      }
    }
    if (numbers.isEmpty()) {
      return "no process has a port named '" + name + "'";
    }
    return numbers.size() > 1
        ? "several processes have a port named '" + name + "' with different numbers; set the probe's process"
        : null;
  }
}
