package tf.ourworld.hero.procservice.runtime.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tf.ourworld.hero.procservice.model.ExecAction;
import tf.ourworld.hero.procservice.model.PortSpec;
import tf.ourworld.hero.procservice.model.ProbeSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.probe.PlannedProbe;
import tf.ourworld.hero.procservice.probe.ProbeKey;
import tf.ourworld.hero.procservice.probe.ProbeTarget;
import tf.ourworld.hero.procservice.runtime.ProbeTargets;
import tf.ourworld.hero.procservice.runtime.ProcessObservation;
import tf.ourworld.hero.procservice.runtime.RuntimeObservation;

/**
 * Plans a Process service's probes: target 127.0.0.1 and the runtime dir, under the rule of
 * {@link ProbeTargets} (only while every process the probe checks is Running); exec probes get the
 * allow-listed real path as command[0].
 */
final class ProcessProbePlanner {
  static final String HOST = "127.0.0.1";

  private ProcessProbePlanner() {
  }

  static List<PlannedProbe> plan(ProcService service, RuntimeObservation observation, Path runtimeDir,
      List<Path> socketRoots, ExecAllowList allowList) {
    List<PlannedProbe> planned = new ArrayList<>();
    List<ProcessSpec> processes = ServiceSupervisor.processesOf(service);
    List<ProbeSpec> probes = service.getSpec().getProbes() == null ? List.of() : service.getSpec().getProbes();
    for (ProbeSpec probe : probes) {
      Optional<List<ProcessObservation>> up = ProbeTargets.running(probe, processes, observation);
      if (up.isEmpty()) {
        continue; // a probe of a process that is not running is not planned: the reconciler reports the process
      }
      List<ProcessObservation> observed = up.get();
      List<ProcessSpec> targets = processes.stream()
          .filter(p -> observed.stream().anyMatch(o -> o.name().equals(p.getName()))).toList();
      Optional<ProbeSpec> spec = probe.getExec() == null ? Optional.of(probe) : withResolvedExec(probe, allowList);
      if (spec.isEmpty()) {
        continue; // not allowed: check() reports it
      }
      String incarnation = observed.stream().map(ProcessObservation::incarnation).collect(Collectors.joining(","));
      String description = probe.getProcess() != null
          ? "process " + probe.getProcess() + " (pid " + observed.get(0).pid() + ")"
          : "service " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      ProbeTarget target = new ProbeTarget(HOST, runtimeDir, socketRoots, namedPorts(targets), description);
      planned.add(new PlannedProbe(ProbeKey.of(probe.getName()), spec.get(), target, incarnation));
    }
    return planned;
  }

  private static Map<String, Integer> namedPorts(List<ProcessSpec> processes) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (ProcessSpec p : processes) {
      for (PortSpec port : p.getPorts() == null ? List.<PortSpec>of() : p.getPorts()) {
        if (port.getName() != null && !port.getName().isEmpty() && port.getContainerPort() != null) {
          ports.putIfAbsent(port.getName(), port.getContainerPort());
        }
      }
    }
    return ports;
  }

  /** A copy of the probe whose exec command[0] is the allow-listed real path; empty when refused. */
  private static Optional<ProbeSpec> withResolvedExec(ProbeSpec probe, ExecAllowList allowList) {
    List<String> command = probe.getExec().getCommand();
    if (command == null || command.isEmpty()) {
      return Optional.empty();
    }
    ExecAllowList.Resolution r = allowList.resolve(command.get(0));
    if (!r.allowed()) {
      return Optional.empty();
    }
    List<String> resolved = new ArrayList<>(command);
    resolved.set(0, r.path().toString());
    ExecAction exec = new ExecAction();
    exec.setCommand(resolved);
    ProbeSpec copy = new ProbeSpec();
    copy.setName(probe.getName());
    copy.setProcess(probe.getProcess());
    copy.setCritical(probe.getCritical());
    copy.setExec(exec);
    copy.setExpect(probe.getExpect());
    copy.setInitialDelaySeconds(probe.getInitialDelaySeconds());
    copy.setPeriodSeconds(probe.getPeriodSeconds());
    copy.setTimeoutSeconds(probe.getTimeoutSeconds());
    copy.setFailureThreshold(probe.getFailureThreshold());
    copy.setSuccessThreshold(probe.getSuccessThreshold());
    return Optional.of(copy);
  }
}
