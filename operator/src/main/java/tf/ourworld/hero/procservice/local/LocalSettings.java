package tf.ourworld.hero.procservice.local;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The host settings of {@code local} from its {@code --config} file (YAML, docs/local.md "The
 * config file"). Every key is optional; a flag given on the command line wins over the file, and
 * {@code allowExec} adds to what the flags and manifests allow. {@code allowExec} and
 * {@code maxStopGraceSeconds} are re-read on SIGHUP; the others take effect at the next start.
 *
 * @param allowExec executables (absolute paths or globs) the Process runtime may run
 * @param allowEnv environment variable names or globs a process may set although the env policy
 *     refuses them by default (as {@code --allow-env}); read at start only
 * @param port the embedded API's port on 127.0.0.1
 * @param httpPort the port of /metrics, /healthz and /readyz on 127.0.0.1
 * @param stateDir the state dir (runtime dirs, the API's store, the log, the lock)
 * @param kubeconfig the kubeconfig to write
 * @param maxStopGraceSeconds the longest a stop waits between SIGTERM and SIGKILL
 * @param logFormat text or json
 */
public record LocalSettings(List<String> allowExec, List<String> allowEnv, Integer port, Integer httpPort, Path stateDir, Path kubeconfig,
    Integer maxStopGraceSeconds, String logFormat) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  @JsonCreator
  public LocalSettings(@JsonProperty("allowExec") List<String> allowExec,
      @JsonProperty("allowEnv") List<String> allowEnv, @JsonProperty("port") Integer port,
      @JsonProperty("httpPort") Integer httpPort, @JsonProperty("stateDir") Path stateDir,
      @JsonProperty("kubeconfig") Path kubeconfig, @JsonProperty("maxStopGraceSeconds") Integer maxStopGraceSeconds,
      @JsonProperty("logFormat") String logFormat) {
    this.allowExec = allowExec == null ? List.of() : List.copyOf(allowExec);
    this.allowEnv = allowEnv == null ? List.of() : List.copyOf(allowEnv);
    this.port = port;
    this.httpPort = httpPort;
    this.stateDir = stateDir;
    this.kubeconfig = kubeconfig;
    this.maxStopGraceSeconds = maxStopGraceSeconds;
    this.logFormat = logFormat;
  }

  /** No file: nothing set. */
  public static LocalSettings none() {
    return new LocalSettings(null, null, null, null, null, null, null, null);
  }

  /**
   * Reads and checks the file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong (unknown key, wrong type, bad pattern ...)
   */
  public static LocalSettings read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
    LocalSettings s;
    try {
      // A file of comments only is an empty document: no settings.
      com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(text);
      s = tree == null || tree.isMissingNode() || tree.isNull() ? none() : YAML.treeToValue(tree, LocalSettings.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' (known: allowExec, allowEnv, port,"
          + " httpPort, stateDir, kubeconfig, maxStopGraceSeconds, logFormat)");
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage()
          + (e.getPath().isEmpty() ? "" : " (at " + e.getPathReference().replaceAll("^.*\\[\"", "").replace("\"]", "") + ")"));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (s == null) {
      return none();
    }
    for (String p : s.allowExec()) {
      if (p == null || !p.startsWith("/")) {
        throw new IllegalArgumentException(file + ": allowExec: " + p + ": a pattern must be an absolute path or glob");
      }
    }
    checkPort(file, "port", s.port());
    checkPort(file, "httpPort", s.httpPort());
    if (s.maxStopGraceSeconds() != null && s.maxStopGraceSeconds() < 0) {
      throw new IllegalArgumentException(file + ": maxStopGraceSeconds must be 0 or more");
    }
    return s;
  }

  private static void checkPort(Path file, String key, Integer port) {
    if (port != null && (port < 0 || port > 65535)) {
      throw new IllegalArgumentException(file + ": " + key + " must be 0..65535, not " + port);
    }
  }

  /** The given value when set, else the file's, else the default. */
  public static <T> T pick(T flag, T file, T fallback) {
    return flag != null ? flag : Objects.requireNonNullElse(file, fallback);
  }
}
