package io.ecokube.controller;

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

  @Test
  void taskPodsNeedBothTheTopicAndATemplate() {
    ControllerOptions o =
        ControllerOptions.parse(
            new String[] {
              "--config", "c.yaml",
              "--task-events", "kafka:9092",
              "--task-topic", "transcode-tasks",
              "--task-namespace", "work",
              "--task-template", "transcode=transcode-worker",
              "--task-template", "thumbs=thumb-worker"
            },
            Map.of());
    assertThat(o.taskEventsBootstrap()).contains("kafka:9092");
    assertThat(o.taskEventsTopic()).isEqualTo("transcode-tasks");
    assertThat(o.taskNamespace()).isEqualTo("work");
    assertThat(o.taskTemplates())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("transcode", "transcode-worker", "thumbs", "thumb-worker"));
    assertThat(
            ControllerOptions.parse(new String[] {"--config", "c.yaml"}, Map.of())
                .taskEventsBootstrap())
        .isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--config", "c.yaml", "--task-events", "kafka:9092"}, Map.of()))
        .hasMessageStartingWith("--task-events needs at least one --task-template");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--config", "c.yaml", "--task-template", "x=y"}, Map.of()))
        .hasMessageStartingWith("--task-template needs --task-events");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {
                      "--config", "c.yaml", "--task-events", "k:1", "--task-template", "x"
                    },
                    Map.of()))
        .hasMessageStartingWith("--task-template takes WORKLOAD=PODTEMPLATE, got 'x'");
  }
}
