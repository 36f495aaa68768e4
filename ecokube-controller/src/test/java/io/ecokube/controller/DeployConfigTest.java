package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config shipped in deploy/ passes the same {@code validate} a user runs. */
class DeployConfigTest {
  @Test
  void theShippedConfigMapHoldsAValidConfig(@TempDir Path dir) throws Exception {
    JsonNode configMap = new YAMLMapper().readTree(Path.of("../deploy/20-config.yaml").toFile());
    String text = configMap.path("data").path("ecokube.yaml").asText();
    assertThat(text).as("data.ecokube.yaml of deploy/20-config.yaml").contains("nodes:");
    Path file = Files.writeString(dir.resolve("ecokube.yaml"), text);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        EcoKubeCommand.execute(
            new String[] {"validate", "--config", file.toString()},
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err));
    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    assertThat(out.toString()).contains("is valid");
  }
}
