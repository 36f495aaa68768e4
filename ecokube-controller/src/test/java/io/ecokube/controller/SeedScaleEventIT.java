package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.test.redis.RedisServer;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's (Ottoscaler's) test event, end to end through the shipped controller: its config file
 * (the README's example) names a Redis Stream (Debian's redis-server on loopback) and a worker
 * template; the controller runs against the fake API server, wins the Lease, and the event sent
 * with the real {@code redis-cli} becomes three worker pods, watched to completion (the test plays
 * the kubelet) and cleaned up, with a TaskSucceeded Event.
 */
@Timeout(180)
class SeedScaleEventIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  private RedisServer redisServer;
  private FakeCluster cluster;
  private KubernetesController controller;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> connection;

  @BeforeEach
  void start() {
    redisServer = RedisServer.start(dir);
    cluster = new FakeCluster();
    redisClient = RedisClient.create("redis://127.0.0.1:" + redisServer.port());
    connection = redisClient.connect();
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    connection.close();
    redisClient.shutdown();
    cluster.close();
    redisServer.close();
  }

  /** The README's own example, pointed at the test's server. */
  private Path config() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```yaml\ndemand:\n  scaleEvents:");
    assertThat(start).as("the README shows a scale-events config").isNotNegative();
    String yaml = readme.substring(start + "```yaml\n".length(), readme.indexOf("```", start + 7));
    assertThat(yaml).contains("{host: redis.example, port: 6379}");
    return Files.writeString(
        dir.resolve("ecokube.yaml"),
        yaml.replace(
            "{host: redis.example, port: 6379}",
            "{host: 127.0.0.1, port: " + redisServer.port() + "}"));
  }

  @Test
  void theSeedsExactXaddBecomesThreeWorkersWatchedToCompletionAndCleanedUp() throws Exception {
    controller =
        new KubernetesController(
            new ControllerOptions(
                config(),
                Optional.of(cluster.kubeconfig(dir)),
                "ecokube",
                "ecokube-0",
                0,
                Duration.ofSeconds(1),
                false,
                Optional.empty()));
    controller.start();
    RedisCommands<String, String> redis = connection.sync();
    // The leader's consumer group exists: from now on every event is read.
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> redis.xinfoGroups("otto:scale:events").toString().contains("ecokube"));

    // Ottoscaler's README: XADD otto:scale:events * type scale_up pod_count 3 task_id task-123
    redisServer.cli(
        "XADD",
        "otto:scale:events",
        "*",
        "type",
        "scale_up",
        "pod_count",
        "3",
        "task_id",
        "task-123");

    await().atMost(WAIT).until(() -> cluster.workers("work").size() == 3);
    List<V1Pod> workers = cluster.workers("work");
    assertThat(workers)
        .extracting(p -> p.getMetadata().getLabels().get("ecokube.io/task-index"))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(workers)
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getName()).startsWith("task-task-123-").endsWith("-1");
              assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
              assertThat(p.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
              assertThat(p.getSpec().getTolerations())
                  .singleElement()
                  .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
              V1Container c = p.getSpec().getContainers().get(0);
              assertThat(c.getImage()).isEqualTo("busybox:latest");
              assertThat(c.getResources().getRequests().get("cpu").toSuffixedString())
                  .isEqualTo("100m");
            });
    // Recorded in the cluster before the event was acknowledged.
    V1ConfigMap record = taskRecord();
    assertThat(record.getData()).containsEntry("taskId", "task-123").containsEntry("podCount", "3");
    await()
        .atMost(WAIT)
        .until(() -> redis.xpending("otto:scale:events", "ecokube").getCount() == 0);

    // The kubelet's part: they run, then complete.
    for (V1Pod p : workers) {
      cluster.phase(p, "Running");
    }
    for (V1Pod p : cluster.workers("work")) {
      cluster.phase(p, "Succeeded");
    }
    await().atMost(WAIT).until(() -> cluster.workers("work").isEmpty());
    assertThat(taskRecord().getData())
        .containsKey("finishedAt")
        .containsEntry("outcome", "succeeded=3 failed=0 retries=0");
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.core().listNamespacedEvent("ecokube").execute().getItems().stream()
                    .map(CoreV1Event::getReason)
                    .anyMatch("TaskSucceeded"::equals));
  }

  private V1ConfigMap taskRecord() throws Exception {
    return cluster.core().listNamespacedConfigMap("work").execute().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith("ecokube-task-task-123-"))
        .findFirst()
        .orElseThrow();
  }
}
