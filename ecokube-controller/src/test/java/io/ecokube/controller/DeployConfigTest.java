package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configs users copy, the one shipped in deploy/ and the complete example of
 * docs/configuration.md, pass the same {@code validate} a user runs, with the real drivers.
 */
class DeployConfigTest {
  @Test
  void theShippedConfigMapHoldsAValidConfig(@TempDir Path dir) throws Exception {
    JsonNode configMap =
        new YAMLMapper().readTree(Path.of("../deploy/base/20-config.yaml").toFile());
    String text = configMap.path("data").path("ecokube.yaml").asText();
    assertThat(text).as("data.ecokube.yaml of deploy/base/20-config.yaml").contains("nodes:");
    assertValid(Files.writeString(dir.resolve("ecokube.yaml"), text));
  }

  @Test
  void theCompleteExampleOfTheConfigurationReferenceIsValid(@TempDir Path dir) throws Exception {
    String doc = Files.readString(Path.of("../docs/configuration.md"));
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("a yaml example in docs/configuration.md").isTrue();
    assertValid(Files.writeString(dir.resolve("example.yaml"), m.group(1)));
  }

  private static void assertValid(Path file) {
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
