package tf.ourworld.hero.procservice.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the kubeconfig through which kubectl reaches the embedded API (mode 0600, like kubectl's own). */
public final class Kubeconfig {
  /** Name of the cluster, user and context written. */
  public static final String CONTEXT = "procservice-local";

  private Kubeconfig() {
  }

  /** Writes (atomically replaces) {@code file} with a single context for {@code serverUrl}, namespace default. */
  public static void write(Path file, String serverUrl) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        """.formatted(CONTEXT, serverUrl);
    Path tmp = Files.createTempFile(abs.getParent(), ".kubeconfig", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
