package io.ecokube.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.kafka.events.ScaleEventConsumer;
import io.ecokube.kafka.events.ScaleEventConsumerSettings;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import io.ecokube.test.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ecokube-events send} against Debian's redis-server and a KRaft broker in the test JVM:
 * what it sends is what the controller's sources read.
 */
@Timeout(120)
class EcoKubeEventsCommandIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @TempDir Path dir;
  private RedisServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void topic() {
    KAFKA.broker().createTopic("tasks", 1);
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

  @Test
  void sendsToAKafkaTopicInTheFormTheConsumerReads() {
    assertThat(
            send(
                "send",
                "--kafka",
                KAFKA.broker().bootstrapServers(),
                "--topic",
                "tasks",
                "type=scale_up",
                "pod_count=3",
                "task_id=t1"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("sent: tasks-0@0");
    List<ScaleEvent> got = new CopyOnWriteArrayList<>();
    try (ScaleEventConsumer c =
        ScaleEventConsumer.start(
            ScaleEventConsumerSettings.builder(
                    KAFKA.broker().bootstrapServers(), "tasks", "events-command-it")
                .decoder(ScaleEventDecoder.strict().withDefaultWorkload("otto-agent"))
                .build(),
            e -> {
              got.add(e);
              return Acceptance.ACCEPTED;
            })) {
      await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 1);
    }
    assertThat(got)
        .containsExactly(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto-agent", 3, "t1"));
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
