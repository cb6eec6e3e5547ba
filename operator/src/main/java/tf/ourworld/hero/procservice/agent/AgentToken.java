package tf.ourworld.hero.procservice.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The pod's secret, read from the file its Secret volume mounts, at every request: a Secret the
 * operator had to create again (someone deleted it) reaches a running agent when the kubelet
 * updates the volume, without a restart.
 */
final class AgentToken {
  private static final String BEARER = "Bearer ";
  private final Path file;

  AgentToken(Path file) {
    this.file = file;
  }

  /** True when the Authorization header carries the token; false when it does not or no token can be read. */
  boolean accepts(String authorization) {
    if (authorization == null || !authorization.startsWith(BEARER)) {
      return false;
    }
    byte[] expected = read();
    if (expected == null || expected.length == 0) {
      return false;
    }
    byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);   // constant time
  }

  /** Whether a token can be read at all (for the start-up check). */
  boolean readable() {
    byte[] t = read();
    return t != null && t.length > 0;
  }

  private byte[] read() {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
