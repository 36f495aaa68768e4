package io.ecokube.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.ScaleEvents;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.kubernetes.task.TaskOutcome;
import io.ecokube.kubernetes.task.TaskPodRunner;
import io.ecokube.redis.RedisScaleEventSettings;
import io.ecokube.redis.RedisScaleEventSource;
import io.ecokube.test.redis.RedisServer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader that dies while it holds a scale event, against Debian's redis-server and the fake API
 * server: what the next leader does so that the task is neither lost nor run twice. A "dead" leader
 * is its source and task runner closed without any cleanup; the next one starts with nothing in
 * memory (no de-duplication state), as a new process would.
 */
@Timeout(180)
class TaskEventsCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STREAM = "otto:scale:events";
  @TempDir Path dir;
  private RedisServer server;
  private FakeCluster cluster;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;
  private ScaleEvents section;

  @BeforeEach
  void start() {
    server = RedisServer.start(dir);
    cluster = new FakeCluster();
    redisClient = RedisClient.create("redis://127.0.0.1:" + server.port());
    connection = redisClient.connect();
    redis = connection.sync();
    String yaml =
        """
        demand:
          scaleEvents:
            redis: {host: 127.0.0.1, port: PORT, consumer: ecokube-0}
            tasks:
              workloads:
                otto-agent: {image: busybox, requests: {cpu: 100m, memory: 32Mi}}
        """
            .replace("PORT", Integer.toString(server.port()));
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      section = ConfigLoader.using(none).parse(yaml, "t.yaml").scaleEvents().orElseThrow();
    }
  }

  @AfterEach
  void stop() {
    connection.close();
    redisClient.shutdown();
    cluster.close();
    server.close();
  }

  /** Holds the event after (or before) the real handler ran, until the test lets go. */
  static final class Held implements ScaleEventHandler {
    final ScaleEventHandler inner;
    final boolean afterHandling;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Held(ScaleEventHandler inner, boolean afterHandling) {
      this.inner = inner;
      this.afterHandling = afterHandling;
    }

    @Override
    public Acceptance accept(ScaleEvent event) {
      Acceptance a = afterHandling ? inner.accept(event) : Acceptance.ACCEPTED;
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return a;
    }
  }

  private RedisScaleEventSource source(RedisScaleEventSettings s, ScaleEventHandler h) {
    RedisScaleEventSource source =
        RedisScaleEventSource.start(s, h, SecretResolver.inMemory(Map.of()), Clock.system());
    await().atMost(WAIT).until(() -> source.status().connected());
    return source;
  }

  private void seedEvent() {
    redis.xadd(STREAM, "type", "scale_up", "pod_count", "3", "task_id", "task-123");
  }

  /** The leader dies while its handler holds the event: the source closes, nothing acknowledged. */
  private void die(RedisScaleEventSource source, Held held, String consumer) throws Exception {
    Thread closer = new Thread(source::close, "test-kill");
    closer.start();
    await().atMost(WAIT).until(() -> !redis.clientList().contains("name=" + consumer));
    held.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
    assertThat(redis.xpending(STREAM, "ecokube").getConsumerMessageCount())
        .as("the event is still pending with the dead consumer")
        .containsEntry(consumer, 1L);
  }

  private static Set<String> names(List<V1Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private void completeAll() throws Exception {
    for (V1Pod p : cluster.workers("work")) {
      cluster.phase(p, "Succeeded");
    }
  }

  @Test
  void killedBetweenPodCreationAndAcknowledgeTheTaskIsNeitherLostNorDuplicated() throws Exception {
    List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    TaskPodRunner runnerA =
        new TaskPodRunner(
            cluster.client(),
            ScaleEventsWiring.taskSettings(section, "work"),
            Clock.system(),
            outcomes::add);
    runnerA.start();
    Held held = new Held(new DeduplicatingScaleEventHandler(runnerA), true);
    RedisScaleEventSource a =
        source(
            ScaleEventsWiring.redisSettings(
                section.redis().orElseThrow(), ScaleEventsWiring.decoder(section)),
            held);
    seedEvent();
    assertThat(held.entered.await(60, TimeUnit.SECONDS)).isTrue();
    // The task's pods exist; the event is not acknowledged yet. Now the leader dies.
    await().atMost(WAIT).until(() -> cluster.workers("work").size() == 3);
    Set<String> before = names(cluster.workers("work"));
    die(a, held, "ecokube-0");
    runnerA.close();

    // The next leader (same consumer name, as a restarted pod) with nothing in memory.
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ScaleEventsWiring b =
        ScaleEventsWiring.start(
            section,
            cluster.client(),
            "work",
            SecretResolver.inMemory(Map.of()),
            Clock.system(),
            registry,
            o -> {})) {
      // It reads its own pending entry first: the task is recorded, so a duplicate, acknowledged.
      await().atMost(WAIT).until(() -> b.redis().orElseThrow().counts().duplicates() == 1);
      await().atMost(WAIT).until(() -> redis.xpending(STREAM, "ecokube").getCount() == 0);
      // It adopted the running task: the same three pods, none added.
      await().atMost(WAIT).until(() -> b.tasks().activeTasks() == 1);
      assertThat(names(cluster.workers("work"))).isEqualTo(before);

      completeAll();
      await().atMost(WAIT).until(() -> cluster.workers("work").isEmpty());
      assertThat(
              registry.get("ecokube.tasks.finished").tag("result", "succeeded").counter().count())
          .isEqualTo(1.0);
      assertThat(registry.get("ecokube.tasks.workers").tag("result", "succeeded").counter().count())
          .isEqualTo(3.0);
      assertThat(b.tasks().activeTasks()).isZero();
      assertThat(
              registry
                  .get("ecokube.scale.events.connected")
                  .tag("transport", "redis")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
    }
    assertThat(outcomes).as("the dead leader reported nothing").isEmpty();
  }

  @Test
  void aSecondConsumerClaimsTheDeadOnesPendingEventAndRunsItsTaskOnce() throws Exception {
    // Consumer A dies holding the event before it recorded anything.
    Held held = new Held(e -> ScaleEventHandler.Acceptance.ACCEPTED, false);
    RedisScaleEventSource a =
        source(
            ScaleEventsWiring.redisSettings(
                section.redis().orElseThrow(), ScaleEventsWiring.decoder(section)),
            held);
    seedEvent();
    assertThat(held.entered.await(60, TimeUnit.SECONDS)).isTrue();
    die(a, held, "ecokube-0");
    assertThat(cluster.workers("work")).isEmpty();

    // Another replica, under another name, claims it once it has been idle long enough.
    List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    try (TaskPodRunner runner =
        new TaskPodRunner(
            cluster.client(),
            ScaleEventsWiring.taskSettings(section, "work"),
            Clock.system(),
            outcomes::add)) {
      runner.start();
      RedisScaleEventSource b =
          source(
              RedisScaleEventSettings.builder("127.0.0.1", server.port())
                  .consumer("ecokube-1")
                  .claimIdle(Duration.ofMillis(300))
                  .claimInterval(Duration.ofMillis(100))
                  .decoder(ScaleEventsWiring.decoder(section))
                  .build(),
              new DeduplicatingScaleEventHandler(runner));
      try {
        await().atMost(WAIT).until(() -> b.counts().claimed() == 1 && b.counts().accepted() == 1);
        await().atMost(WAIT).until(() -> redis.xpending(STREAM, "ecokube").getCount() == 0);
        await().atMost(WAIT).until(() -> cluster.workers("work").size() == 3);
        completeAll();
        await().atMost(WAIT).until(() -> outcomes.size() == 1);
        assertThat(outcomes).containsExactly(new TaskOutcome("task-123", 3, 3, 0, 0));
        await().atMost(WAIT).until(() -> cluster.workers("work").isEmpty());
      } finally {
        b.close();
      }
    }
  }
}
