package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka scale-event source whose dead-letter topic does not exist cannot start: the shipped
 * controller keeps managing nodes, and {@code /readyz} answers 503 naming the missing topic, as
 * docs/configuration.md promises, so the operator sees it in the pod's status.
 */
@Timeout(120)
class ScaleEventsReadinessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @TempDir Path dir;
  private FakeCluster cluster;
  private KubernetesController controller;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void topic() {
    KAFKA.broker().createTopic("tasks", 1);
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMissingDeadLetterTopicMakesTheLeaderNotReadyWithTheReason() throws Exception {
    cluster = new FakeCluster();
    Path config =
        Files.writeString(
            dir.resolve("ecokube.yaml"),
            String.join(
                "\n",
                "demand:",
                "  scaleEvents:",
                "    kafka:",
                "      bootstrapServers: " + KAFKA.broker().bootstrapServers(),
                "      topic: tasks",
                "      deadLetterTopic: tasks.missing-dlt",
                "    tasks:",
                "      namespace: work",
                "      workloads:",
                "        otto-agent:",
                "          image: busybox:latest",
                "          requests: {cpu: 100m, memory: 64Mi}",
                ""));
    controller =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(cluster.kubeconfig(dir)),
                "ecokube",
                "ecokube-0",
                0,
                Duration.ofSeconds(1),
                false,
                Optional.empty()));
    controller.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              HttpResponse<String> r = get("/readyz");
              assertThat(r.statusCode()).isEqualTo(503);
              assertThat(r.body()).contains("scale events not read").contains("tasks.missing-dlt");
            });
    // Still alive and leading: nodes are managed although the events are not read.
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body()).containsPattern("(?m)^ecokube_leader 1(\\.0)?$");
  }
}
