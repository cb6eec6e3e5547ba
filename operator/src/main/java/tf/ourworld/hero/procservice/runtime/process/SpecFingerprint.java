package tf.ourworld.hero.procservice.runtime.process;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import tf.ourworld.hero.procservice.model.EnvVarSpec;
import tf.ourworld.hero.procservice.model.ProcessSpec;

/**
 * A hash of what a process is started from (command, args, env, workingDir): kept with the
 * process so a spec change is noticed and the process replaced. Only the hash is stored, so env
 * values (which may be secrets) never reach the state file.
 */
final class SpecFingerprint {
  private SpecFingerprint() {
  }

  static String of(ProcessSpec spec) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      add(d, "command", spec.getCommand());
      add(d, "args", spec.getArgs());
      StringBuilder env = new StringBuilder();
      for (EnvVarSpec e : spec.getEnv() == null ? List.<EnvVarSpec>of() : spec.getEnv()) {
        env.append(e.getName()).append('\0').append(e.getValue() == null ? "" : e.getValue()).append('\0');
      }
      d.update(("env\0" + env + "\1").getBytes(StandardCharsets.UTF_8));
      d.update(("wd\0" + (spec.getWorkingDir() == null ? "" : spec.getWorkingDir())).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void add(MessageDigest d, String key, List<String> values) {
    d.update((key + "\0").getBytes(StandardCharsets.UTF_8));
    for (String v : values == null ? List.<String>of() : values) {
      d.update((v == null ? "" : v).getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
    }
    d.update((byte) 1);
  }
}
