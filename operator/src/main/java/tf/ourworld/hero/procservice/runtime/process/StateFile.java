package tf.ourworld.hero.procservice.runtime.process;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's {@code state.json}: per process what is needed to re-adopt it after an operator
 * restart (pid + start ticks, and the token its environment carries), its resolved command, how
 * often it was started and how it last ended.
 *
 * <p>Written durably: a temp file, fsync, atomic rename, fsync of the directory. So after a crash
 * the file is either the old or the new content, and an intent written before a fork is on disk
 * before the child exists. A file that cannot be read, or whose values make no sense
 * ({@code pid: "abc"}, {@code phase: "Bogus"}, {@code startTime: "x"}), is a {@link Damaged} record.
 */
final class StateFile {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  /** Bounds a state file: one written by us is a few KB. */
  static final long MAX_BYTES = 1024 * 1024;

  private StateFile() {
  }

  /** Why a state file could not be used; its processes are then found by their tokens only. */
  static final class Damaged extends Exception {
    Damaged(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What a state file holds. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Content(int version, Map<String, ProcessRecord> processes) {
    Content {
      processes = processes == null ? Map.of() : Map.copyOf(processes);
    }

    static Content empty() {
      return new Content(1, Map.of());
    }
  }

  /**
   * One process. phase is Starting (intent recorded before the fork: token set, pid unknown),
   * Running (pid and startTicks set), Exited or NotStarted; times are ISO-8601 strings. token is the
   * value of PROCSERVICE_TOKEN given to the incarnation that is starting or running.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProcessRecord(String phase, Long pid, Long startTicks, String startTime, String command, int starts,
      Integer exitCode, String exitSignal, String exitTime, String exitMessage, String specHash, String token) {
  }

  /** The content, empty when there is no file; {@link Damaged} when it cannot be trusted. */
  static Content read(Path file) throws Damaged {
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Content.empty();
    }
    Content content;
    try {
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new Damaged("not a regular file", null);
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new Damaged("larger than " + MAX_BYTES + " bytes", null);
      }
      content = JSON.readValue(file.toFile(), Content.class);
    } catch (IOException | RuntimeException e) {
      throw new Damaged("not a valid state file: " + e.getClass().getSimpleName(), e);
    }
    if (content == null) {
      throw new Damaged("empty", null);
    }
    for (Map.Entry<String, ProcessRecord> e : content.processes().entrySet()) {
      check(e.getKey(), e.getValue());
    }
    return content;
  }

  private static void check(String name, ProcessRecord r) throws Damaged {
    String at = "processes." + name;
    if (name == null || name.isEmpty() || r == null) {
      throw new Damaged(at + ": empty record", null);
    }
    if (r.phase() == null || !ProcessRecordPhase.NAMES.contains(r.phase())) {
      throw new Damaged(at + ".phase: not one of " + ProcessRecordPhase.NAMES, null);
    }
    if (r.pid() != null && r.pid() <= 0 || r.startTicks() != null && r.startTicks() < 0 || r.starts() < 0) {
      throw new Damaged(at + ": negative pid, startTicks or starts", null);
    }
    if (r.phase().equals("Running") && (r.pid() == null || r.startTicks() == null) && r.token() == null) {
      throw new Damaged(at + ": Running without pid, startTicks or token", null);
    }
    instant(at + ".startTime", r.startTime());
    instant(at + ".exitTime", r.exitTime());
  }

  private static void instant(String at, String value) throws Damaged {
    if (value == null) {
      return;
    }
    try {
      Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new Damaged(at + ": not an ISO-8601 time", e);
    }
  }

  /** Replaces the file durably: temp file, fsync, atomic rename, fsync of the directory. */
  static void write(Path file, Content content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself must survive a crash too
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename is still atomic.
    }
  }

  static Content of(Map<String, ProcessRecord> processes) {
    return new Content(1, new LinkedHashMap<>(processes));
  }

  /** Parses a time a checked record holds (never throws for one that passed {@link #read}). */
  static Instant time(String value) {
    return value == null ? null : Instant.parse(value);
  }

}
