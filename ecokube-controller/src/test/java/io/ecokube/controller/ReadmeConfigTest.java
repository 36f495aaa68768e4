package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.secret.Secret;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.core.driver.DriverRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config example in the README loads through the real loader and the real drivers, so the first
 * thing a newcomer copies is known to work.
 */
class ReadmeConfigTest {
  @TempDir Path etc;

  @Test
  void theReadmeConfigExampleLoads() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```yaml\npools:");
    assertThat(start).as("the README has a YAML config example").isNotNegative();
    String yaml = readme.substring(start + "```yaml\n".length(), readme.indexOf("```", start + 7));
    // The example points at files under /etc/ecokube; make them exist here.
    Process keygen =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                etc.resolve("id_ed25519").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keygen.exitValue()).isZero();
    Files.writeString(etc.resolve("known_hosts"), "");
    yaml = yaml.replace("/etc/ecokube/", etc + "/");

    EcoKubeConfig config;
    try (DriverRegistry drivers =
        DriverRegistry.builder()
            .loadServices()
            .secrets(ref -> Secret.of("from-" + ref.scheme(), ref.toString()))
            .build()) {
      config = ConfigLoader.using(drivers).parse(yaml, "README.md");
      assertThat(drivers.chainFor(config.node("worker-2").orElseThrow()))
          .extracting(d -> d.name())
          .containsExactly("wol", "ssh", "ipmi");
    }
    assertThat(config.nodes())
        .extracting(n -> n.name())
        .containsExactly("control-plane", "worker-2");
    assertThat(config.node("control-plane").orElseThrow().controlPlane()).isTrue();
    assertThat(config.policy().maxCyclesPerNodePerDay()).isEqualTo(6);
  }
}
