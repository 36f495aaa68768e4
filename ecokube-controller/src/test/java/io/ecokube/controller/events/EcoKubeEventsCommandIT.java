package io.ecokube.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.ScaleEvents;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import io.ecokube.test.redis.RedisServer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ecokube-events send} against Debian's redis-server and a KRaft broker in the test JVM:
 * what it sends is what the controller's sources read, and on Kafka becomes task pods through the
 * controller's wiring.
 */
@Timeout(120)
class EcoKubeEventsCommandIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @TempDir Path dir;
  private RedisServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void topics() {
    KAFKA.broker().createTopic("tasks", 1);
    KAFKA.broker().createTopic("tasks.dlt", 1);
  }

  @BeforeEach
  void start() {
    server = RedisServer.start(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int send(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return EcoKubeEventsCommand.execute(
        args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private List<StreamMessage<String, String>> entries(String stream) {
    RedisClient c = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      return conn.sync().xrange(stream, Range.create("-", "+"));
    } finally {
      c.shutdown();
    }
  }

  @Test
  void sendsTheSeedsEventToARedisStream() {
    String url = "redis://127.0.0.1:" + server.port();
    assertThat(send("send", "--redis", url, "type=scale_up", "pod_count=3", "task_id=task-123"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("event: SCALE_UP of 3 pod(s), task task-123")
        .contains("sent: otto:scale:events ");
    List<StreamMessage<String, String>> e = entries("otto:scale:events");
    assertThat(e)
        .singleElement()
        .satisfies(
            m -> {
              // In the order given, as redis-cli XADD would have written them.
              assertThat(m.getBody().keySet()).containsExactly("type", "pod_count", "task_id");
              assertThat(m.getBody())
                  .isEqualTo(Map.of("type", "scale_up", "pod_count", "3", "task_id", "task-123"));
            });

    // What the controller would dead-letter is refused here, unless asked for.
    assertThat(send("send", "--redis", url, "--stream", "s", "type=scale_up", "pod_count=three"))
        .isEqualTo(EcoKubeEventsCommand.NOT_SENT);
    assertThat(err.toString()).contains("not sent").contains("pod_count").contains("--malformed");
    assertThat(entries("s")).isEmpty();
    assertThat(
            send(
                "send",
                "--redis",
                url,
                "--stream",
                "s",
                "--malformed",
                "type=scale_up",
                "pod_count=three",
                "task_id=t"))
        .isZero();
    assertThat(entries("s")).hasSize(1);
  }

  private static ScaleEvents kafkaSection() {
    String yaml =
        """
        demand:
          scaleEvents:
            defaultWorkload: builder
            maxPodsPerEvent: 5
            kafka: {bootstrapServers: "BOOTSTRAP", topic: tasks, deadLetterTopic: tasks.dlt}
            tasks:
              namespace: work
              workloads:
                builder: {image: busybox, requests: {cpu: 100m, memory: 32Mi}}
        """
            .replace("BOOTSTRAP", KAFKA.broker().bootstrapServers());
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      return ConfigLoader.using(none).parse(yaml, "k.yaml").scaleEvents().orElseThrow();
    }
  }

  private int sendToKafka(String... fields) {
    List<String> args =
        new ArrayList<>(
            List.of("send", "--kafka", KAFKA.broker().bootstrapServers(), "--topic", "tasks"));
    args.addAll(List.of(fields));
    return send(args.toArray(String[]::new));
  }

  private static double events(SimpleMeterRegistry r, String fate) {
    var c = r.find("ecokube.scale.events").tag("transport", "kafka").tag("fate", fate);
    return c.functionCounter() == null ? 0 : c.functionCounter().count();
  }

  /**
   * The Kafka transport of {@code demand.scaleEvents} as the controller wires it, on the fake API
   * server: what the tool sends becomes task pods; a malformed event goes to the dead-letter topic;
   * the same task again is a duplicate.
   */
  @Test
  void kafkaEventsSentWithTheToolBecomeTaskPodsFromTheConfig() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakeCluster cluster = new FakeCluster();
        ScaleEventsWiring w =
            ScaleEventsWiring.start(
                kafkaSection(),
                cluster.client(),
                "ecokube",
                SecretResolver.inMemory(Map.of()),
                Clock.system(),
                registry,
                o -> {})) {
      assertThat(sendToKafka("type=scale_up", "pod_count=2", "task_id=build-7"))
          .as(err.toString())
          .isZero();
      assertThat(out.toString()).contains("sent: tasks-0@0");
      assertThat(sendToKafka("--malformed", "type=scale_up", "pod_count=50", "task_id=too-big"))
          .isZero();
      assertThat(sendToKafka("type=scale_up", "pod_count=2", "task_id=build-7")).isZero();

      await().atMost(WAIT).until(() -> cluster.workers("work").size() == 2);
      await().atMost(WAIT).until(() -> events(registry, "dead_lettered") == 1);
      await().atMost(WAIT).until(() -> events(registry, "duplicate") == 1);
      assertThat(events(registry, "accepted")).isEqualTo(1);
      for (V1Pod p : cluster.workers("work")) {
        cluster.phase(p, "Succeeded");
      }
      await().atMost(WAIT).until(() -> cluster.workers("work").isEmpty());
      assertThat(
              registry.get("ecokube.tasks.finished").tag("result", "succeeded").counter().count())
          .isEqualTo(1.0);
      assertThat(w.kafka()).isPresent();
      assertThat(w.redis()).isEmpty();
    }
  }

  @Test
  void badCommandLinesExitWith2AndSayWhy() {
    assertThat(send("send", "type=scale_up")).isEqualTo(2);
    assertThat(err.toString()).contains("--redis").contains("--kafka");
    assertThat(send("send", "--redis", "redis://x:1", "--kafka", "x:1", "a=b")).isEqualTo(2);
    assertThat(send("send", "--kafka", "127.0.0.1:1", "type=scale_up")).isEqualTo(2);
    assertThat(err.toString()).contains("--kafka needs --topic");
    assertThat(send("send", "--redis", "redis://127.0.0.1:1", "pod_count")).isEqualTo(2);
    assertThat(err.toString()).contains("'pod_count' is not FIELD=VALUE");
    assertThat(send("send", "--redis", "redis://127.0.0.1:1", "a=1", "a=2")).isEqualTo(2);
    assertThat(err.toString()).contains("given twice");
    assertThat(send("--help")).isZero();
    assertThat(out.toString()).contains("send");
  }
}
