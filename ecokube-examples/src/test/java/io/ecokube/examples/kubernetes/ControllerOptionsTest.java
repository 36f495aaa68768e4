package io.ecokube.examples.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerOptionsTest {
  @Test
  void defaultsComeFromThePodEnvironment() {
    ControllerOptions o =
        ControllerOptions.parse(
            new String[] {"--config", "/etc/ecokube/ecokube.yaml"},
            Map.of("POD_NAMESPACE", "infra", "POD_NAME", "ecokube-7d9-x2"));
    assertThat(o.config()).isEqualTo(Path.of("/etc/ecokube/ecokube.yaml"));
    assertThat(o.kubeconfig()).isEmpty();
    assertThat(o.namespace()).isEqualTo("infra");
    assertThat(o.identity()).isEqualTo("ecokube-7d9-x2");
    assertThat(o.httpPort()).isEqualTo(8080);
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.dryRun()).isFalse();
  }

  @Test
  void everyFlag() {
    ControllerOptions o =
        ControllerOptions.parse(
            new String[] {
              "--dry-run",
              "--config",
              "c.yaml",
              "--kubeconfig",
              "kc",
              "--namespace",
              "n",
              "--identity",
              "me",
              "--http-port",
              "0",
              "--interval-seconds",
              "3"
            },
            Map.of());
    assertThat(o.dryRun()).isTrue();
    assertThat(o.kubeconfig()).contains(Path.of("kc"));
    assertThat(o.namespace()).isEqualTo("n");
    assertThat(o.identity()).isEqualTo("me");
    assertThat(o.httpPort()).isZero();
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> ControllerOptions.parse(new String[] {}, Map.of()))
        .hasMessageContaining("--config is required");
    assertThatThrownBy(() -> ControllerOptions.parse(new String[] {"--config"}, Map.of()))
        .hasMessageContaining("--config needs a value");
    assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--config", "c", "--http-port", "x"}, Map.of()))
        .hasMessageContaining("--http-port must be a number, got 'x'");
    assertThatThrownBy(
            () -> ControllerOptions.parse(new String[] {"--config", "c", "--verbose"}, Map.of()))
        .hasMessageContaining("unknown argument '--verbose'");
    assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--config", "c", "--interval-seconds", "0"}, Map.of()))
        .hasMessageContaining("--interval-seconds must be > 0");
  }
}
