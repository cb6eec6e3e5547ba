package tf.ourworld.hero.procservice.runtime.process;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's {@code state.json}: per process what is needed to re-adopt it after an operator
 * restart (pid + start ticks), its resolved command, how often it was started and how it last
 * ended. Written atomically (temp file + rename) so a crash never leaves half a file.
 */
final class StateFile {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private StateFile() {
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
   * One process. phase is Running (pid and startTicks set), Exited or NotStarted; startTime and
   * exit times are ISO-8601 strings.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProcessRecord(String phase, Long pid, Long startTicks, String startTime, String command, int starts,
      Integer exitCode, String exitSignal, String exitTime, String exitMessage, String specHash) {
  }

  /** The content, empty when there is no file. */
  static Content read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Content.empty();
    }
    return JSON.readValue(file.toFile(), Content.class);
  }

  static void write(Path file, Content content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Content of(Map<String, ProcessRecord> processes) {
    return new Content(1, new LinkedHashMap<>(processes));
  }
}
