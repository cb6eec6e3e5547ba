package tf.ourworld.hero.procservice.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogLineEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Logger log = LoggerFactory.getLogger("tf.ourworld.hero.procservice.probe.ProbeScheduler");

  private final String formatBefore = System.getProperty(LogFormat.PROPERTY);

  @AfterEach
  void backToWhatItWas() {
    LogFormat.apply(formatBefore == null ? "json" : formatBefore);
  }

  /** Runs {@code body} with stdout captured, after switching the format. */
  private String capture(String format, Runnable body) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      LogFormat.apply(format);
      body.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void probeFailed() {
    log.atWarn()
        .addKeyValue("event", "probe_failed")
        .addKeyValue("namespace", "hero")
        .addKeyValue("name", "hero-foundry")
        .addKeyValue("probe", "ui")
        .addKeyValue("kind", "httpGet")
        .addKeyValue("target", "unix:ui.sock/health")
        .addKeyValue("error", "empty reply \"\" from server")
        .addKeyValue("consecutiveFailures", 3)
        .addKeyValue("latencyMs", 12L)
        .log("Probe {} of {}/{} failed", "ui", "hero", "hero-foundry");
  }

  @Test
  void jsonIsOneObjectPerLineWithKeyValuesAtTopLevel() throws Exception {
    String out = capture("json", this::probeFailed);

    String[] lines = out.split("\n");
    assertThat(lines).hasSize(1);
    assertThat(out).contains("\"event\":\"probe_failed\"");
    JsonNode line = JSON.readTree(lines[0]);
    assertThat(line.get("level").asText()).isEqualTo("WARN");
    assertThat(line.get("logger").asText()).isEqualTo("tf.ourworld.hero.procservice.probe.ProbeScheduler");
    assertThat(line.get("message").asText()).isEqualTo("Probe ui of hero/hero-foundry failed");
    assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z");
    assertThat(line.get("namespace").asText()).isEqualTo("hero");
    assertThat(line.get("error").asText()).isEqualTo("empty reply \"\" from server");
    assertThat(line.get("consecutiveFailures").isInt()).isTrue();
    assertThat(line.get("consecutiveFailures").asInt()).isEqualTo(3);
    assertThat(line.get("latencyMs").asLong()).isEqualTo(12L);
  }

  @Test
  void jsonKeepsExceptionsAndMultiLineMessagesOnOneLine() throws Exception {
    String out = capture("json", () -> log.atError().addKeyValue("message", "clash")
        .setCause(new IllegalStateException("boom")).log("first\nsecond"));

    assertThat(out.split("\n")).hasSize(1);
    JsonNode line = JSON.readTree(out);
    assertThat(line.get("message").asText()).isEqualTo("first\nsecond");
    assertThat(line.get("kv.message").asText()).isEqualTo("clash");
    assertThat(line.get("exception").asText()).contains("IllegalStateException: boom").contains("at ");
  }

  @Test
  void textIsHumanReadable() {
    String out = capture("text", this::probeFailed);

    assertThat(out).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  t\\.o\\.h\\.p\\.probe\\.ProbeScheduler - "
        + "Probe ui of hero/hero-foundry failed event=probe_failed namespace=hero name=hero-foundry probe=ui"
        + " kind=httpGet target=unix:ui.sock/health error=\"empty reply \\\\\"\\\\\" from server\""
        + " consecutiveFailures=3 latencyMs=12\n");
  }

  @Test
  void noisyLibrariesAreQuietBelowWarn() {
    String out = capture("json", () -> {
      LoggerFactory.getLogger("okhttp3.OkHttpClient").info("noise");
      LoggerFactory.getLogger("io.fabric8.mockwebserver.MockWebServer").info("noise");
      LoggerFactory.getLogger("io.vertx.core.impl.VertxImpl").info("noise");
      LoggerFactory.getLogger("okhttp3.OkHttpClient").warn("signal");
    });
    assertThat(out).doesNotContain("noise").contains("signal");
  }

  @Test
  void javaUtilLoggingGoesThroughTheSameFormatAndLevels() throws Exception {
    String out = capture("json", () -> {
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer").info("noise");
      java.util.logging.Logger.getLogger("tf.ourworld.hero.procservice.local.EmbeddedApi").warning("jul signal");
    });
    assertThat(out).doesNotContain("noise");
    JsonNode line = JSON.readTree(out.lines().filter(l -> l.contains("jul signal")).findFirst().orElseThrow());
    assertThat(line.get("level").asText()).isEqualTo("WARN");
    assertThat(line.get("logger").asText()).isEqualTo("tf.ourworld.hero.procservice.local.EmbeddedApi");
  }

  @Test
  void unknownFormatNamesTheOption() {
    assertThatThrownBy(() -> LogFormat.apply("yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--log-format").hasMessageContaining("yaml");
    assertThat(LogFormat.parse("TEXT")).isEqualTo(LogFormat.TEXT);
  }
}
