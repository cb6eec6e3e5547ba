package tf.ourworld.hero.procservice.runtime.process;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ProcService;
import tf.ourworld.hero.procservice.model.ProcessSpec;
import tf.ourworld.hero.procservice.model.RuntimeKind;

/** Builds ProcServices and small test programs (shell scripts with a shebang, in a temp dir). */
final class ProcessFixtures {
  private ProcessFixtures() {
  }

  static Path script(Path dir, String name, String body) throws IOException {
    Files.createDirectories(dir);
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  static ProcessSpec process(String name, Path command, String... args) {
    ProcessSpec p = new ProcessSpec();
    p.setName(name);
    p.setCommand(new ArrayList<>(List.of(command.toString())));
    p.setArgs(new ArrayList<>(List.of(args)));
    return p;
  }

  static ProcessSpec withEnv(ProcessSpec p, String name, String value) {
    p.getEnv().add(new EnvVarSpec(name, value));
    return p;
  }

  static ProcService service(String name, int graceSeconds, ProcessSpec... processes) {
    ProcService s = new ProcService();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("test").build());
    s.getSpec().setRuntime(RuntimeKind.Process);
    s.getSpec().setStopGracePeriodSeconds(graceSeconds);
    s.getSpec().setProcesses(new ArrayList<>(List.of(processes)));
    return s;
  }
}
