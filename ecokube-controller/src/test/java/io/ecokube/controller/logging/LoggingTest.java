package io.ecokube.controller.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The controller's log lines carry a time and a level, as text or as JSON lines. */
class LoggingTest {
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  {
    // A context of the test's own, not the JVM's: what slf4j's binding does for the real one.
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.start();
  }

  @Test
  void textLinesStartWithAUtcTimestampAndTheLevel() {
    Logging.configure(context, LogFormat.TEXT, "info", out);
    context.getLogger("io.ecokube.controller.X").info("woke {}", "worker-2");
    context.getLogger("io.ecokube.controller.X").debug("not shown at info");
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^]]+\\]"
                + " io\\.ecokube\\.controller\\.X - woke worker-2\\R");
  }

  @Test
  void jsonLinesAreOneObjectPerLineWithTimeLevelLoggerMessageAndException() throws Exception {
    Logging.configure(context, LogFormat.JSON, "debug", out);
    Logger log = context.getLogger("io.ecokube.controller.X");
    log.debug("a \"quoted\" line\nwith a break");
    log.error("power-off failed", new IllegalStateException("BMC said no"));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines[0]);
    assertThat(Instant.parse(first.get("time").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(first.get("level").asText()).isEqualTo("DEBUG");
    assertThat(first.get("logger").asText()).isEqualTo("io.ecokube.controller.X");
    assertThat(first.get("message").asText()).isEqualTo("a \"quoted\" line\nwith a break");
    JsonNode second = json.readTree(lines[1]);
    assertThat(second.get("level").asText()).isEqualTo("ERROR");
    assertThat(second.get("exception").asText())
        .contains("IllegalStateException: BMC said no")
        .contains("LoggingTest");
  }

  @Test
  void kafkaClientsAreKeptAtWarn() {
    Logging.configure(context, LogFormat.TEXT, "debug", out);
    context.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig").info("200 lines");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theEnvironmentChoosesTheDefaultsAndBadValuesAreNamed() {
    assertThat(Logging.format(Map.of())).isEqualTo(LogFormat.TEXT);
    assertThat(Logging.format(Map.of(Logging.FORMAT_ENV, "JSON"))).isEqualTo(LogFormat.JSON);
    assertThat(Logging.level(Map.of(Logging.LEVEL_ENV, "debug"))).isEqualTo("DEBUG");
    assertThatThrownBy(() -> Logging.format(Map.of(Logging.FORMAT_ENV, "yaml")))
        .hasMessage("'yaml' is not a log format; use text or json");
    assertThatThrownBy(() -> Logging.checkLevel("loud"))
        .hasMessage("'loud' is not a log level; use trace, debug, info, warn or error");
  }
}
