package io.ecokube.kafka.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.DeadLetterLog;
import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scale-event consumer against a real KRaft broker, one per class. */
class ScaleEventConsumerIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static String event(String type, String workload, int pods, String task) {
    return new String(
        ScaleEventCodec.toJson(
            new ScaleEvent(
                type.equals("scale_up") ? ScaleEvent.Type.SCALE_UP : ScaleEvent.Type.SCALE_DOWN,
                workload,
                pods,
                task)),
        StandardCharsets.UTF_8);
  }

  static void send(String topic, String value) throws Exception {
    KAFKA.producer().send(new ProducerRecord<>(topic, 0, null, value)).get(30, TimeUnit.SECONDS);
  }

  static Long committed(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> m =
        KAFKA
            .admin()
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    OffsetAndMetadata om = m.get(new TopicPartition(topic, 0));
    return om == null ? null : om.offset();
  }

  static ScaleEventConsumerSettings.Builder settings(String topic) {
    return ScaleEventConsumerSettings.builder(
            KAFKA.broker().bootstrapServers(), topic, topic + "-g")
        .pollTimeout(Duration.ofMillis(100))
        .retryBackoff(Duration.ofMillis(100));
  }

  @Test
  void acceptsGoodEventsOnceAndDeadLettersBadOnes() throws Exception {
    KAFKA.broker().createTopic("events", 1);
    KAFKA.broker().createTopic("events-dlt", 1);
    send("events", event("scale_up", "eco-worker", 3, "t-1"));
    send("events", event("scale_up", "eco-worker", 3, "t-1"));
    send("events", "{\"type\": \"scale_up\", \"workload\": ");
    send("events", event("scale_up", "ghost", 1, "t-3"));
    send("events", event("scale_down", "eco-worker", 2, "t-2"));

    List<ScaleEvent> applied = new CopyOnWriteArrayList<>();
    DeduplicatingScaleEventHandler handler =
        new DeduplicatingScaleEventHandler(
            e -> {
              if (e.workload().equals("ghost")) {
                return Acceptance.REJECTED;
              }
              applied.add(e);
              return Acceptance.ACCEPTED;
            });
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("events").deadLetterTopic("events-dlt").build(), handler)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("events-g", "events")).isEqualTo(5L));
      assertThat(consumer.counts()).isEqualTo(new ScaleEventConsumer.Counts(2, 1, 1, 1, 2, 0));
      assertThat(Thread.getAllStackTraces().keySet())
          .extracting(Thread::getName)
          .contains("ecokube-scale-events-events");
    }
    assertThat(applied)
        .containsExactly(
            new ScaleEvent(ScaleEvent.Type.SCALE_UP, "eco-worker", 3, "t-1"),
            new ScaleEvent(ScaleEvent.Type.SCALE_DOWN, "eco-worker", 2, "t-2"));

    List<ConsumerRecord<String, String>> dead = readAll("events-dlt", 2);
    assertThat(dead).hasSize(2);
    assertThat(header(dead.get(0), ScaleEventConsumer.HEADER_ORIGIN)).isEqualTo("events-0@2");
    assertThat(header(dead.get(0), ScaleEventConsumer.HEADER_REASON))
        .startsWith("malformed: not JSON");
    assertThat(dead.get(0).value()).isEqualTo("{\"type\": \"scale_up\", \"workload\": ");
    assertThat(header(dead.get(1), ScaleEventConsumer.HEADER_ORIGIN)).isEqualTo("events-0@3");
    assertThat(header(dead.get(1), ScaleEventConsumer.HEADER_REASON))
        .isEqualTo("rejected by the handler");
  }

  @Test
  void commitsOnlyAfterTheHandlerReturned() throws Exception {
    KAFKA.broker().createTopic("slow", 1);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("slow").build(),
            e -> {
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
              }
              return Acceptance.ACCEPTED;
            })) {
      send("slow", event("scale_up", "eco-worker", 1, "slow-1"));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(committed("slow-g", "slow")).as("handler still running").isNull();
      release.countDown();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("slow-g", "slow")).isEqualTo(1L));
      assertThat(consumer.counts().accepted()).isEqualTo(1);
    }
  }

  @Test
  void aHandlerThatThrowsGetsTheSameEventAgain() throws Exception {
    KAFKA.broker().createTopic("flaky", 1);
    AtomicInteger calls = new AtomicInteger();
    List<String> tasks = new CopyOnWriteArrayList<>();
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("flaky").build(),
            e -> {
              tasks.add(e.taskId());
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("engine not ready");
              }
              return Acceptance.ACCEPTED;
            })) {
      send("flaky", event("scale_up", "eco-worker", 1, "f-1"));
      send("flaky", event("scale_up", "eco-worker", 1, "f-2"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("flaky-g", "flaky")).isEqualTo(2L));
      assertThat(tasks).containsExactly("f-1", "f-1", "f-2");
      assertThat(consumer.counts().handlerFailures()).isEqualTo(1);
      assertThat(consumer.counts().accepted()).isEqualTo(2);
    }
  }

  @Test
  void aHandlerThatKeepsFailingIsDeadLetteredAndTheStreamMovesOn() throws Exception {
    KAFKA.broker().createTopic("poison", 1);
    KAFKA.broker().createTopic("poison-dlt", 1);
    List<String> accepted = new CopyOnWriteArrayList<>();
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("poison").deadLetterTopic("poison-dlt").maxAttempts(2).build(),
            e -> {
              if (e.taskId().equals("bad")) {
                throw new IllegalStateException("cannot place " + e.podCount() + " pods");
              }
              accepted.add(e.taskId());
              return Acceptance.ACCEPTED;
            })) {
      send("poison", event("scale_up", "eco-worker", 99, "bad"));
      send("poison", event("scale_up", "eco-worker", 1, "good"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("poison-g", "poison")).isEqualTo(2L));
      assertThat(accepted).containsExactly("good");
      assertThat(consumer.counts().handlerFailures()).isEqualTo(2);
    }
    List<ConsumerRecord<String, String>> dead = readAll("poison-dlt", 1);
    assertThat(header(dead.get(0), ScaleEventConsumer.HEADER_REASON))
        .isEqualTo("handler failed 2 times: cannot place 99 pods");
  }

  @Test
  void aMissingDeadLetterTopicFailsTheStartAndSaysSo() {
    KAFKA.broker().createTopic("has-no-dlt", 1);
    assertThatThrownBy(
            () ->
                ScaleEventConsumer.start(
                    settings("has-no-dlt").deadLetterTopic("has-no-dlt-dead").build(),
                    e -> Acceptance.ACCEPTED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dead-letter topic has-no-dlt-dead does not exist on")
        .hasMessageContaining("create it");
  }

  @Test
  void theOttoscalerShapeDuplicateKeysAndTrailingDataAndTheSharedDedup() throws Exception {
    KAFKA.broker().createTopic("otto", 1);
    KAFKA.broker().createTopic("otto-dlt", 1);
    send("otto", "{\"type\":\"scale_up\",\"pod_count\":3,\"task_id\":\"task-123\"}");
    send("otto", "{\"type\":\"scale_up\",\"pod_count\":3,\"pod_count\":30,\"task_id\":\"t-d\"}");
    send("otto", "{\"type\":\"scale_up\",\"pod_count\":1,\"task_id\":\"t-t\"} {}");
    send("otto", "{\"type\":\"scale_up\",\"pod_count\":80,\"task_id\":\"t-big\"}");
    send("otto", "{\"type\":\"scale_up\",\"pod_count\":3,\"task_id\":\"task-123\"}");
    List<ScaleEvent> applied = new CopyOnWriteArrayList<>();
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("otto")
                .deadLetterTopic("otto-dlt")
                .decoder(
                    ScaleEventDecoder.strict()
                        .withDefaultWorkload("otto-agent")
                        .withMaxPodCount(50))
                .build(),
            new DeduplicatingScaleEventHandler(
                e -> {
                  applied.add(e);
                  return Acceptance.ACCEPTED;
                }))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("otto-g", "otto")).isEqualTo(5L));
      assertThat(consumer.counts()).isEqualTo(new ScaleEventConsumer.Counts(1, 1, 0, 3, 3, 0));
    }
    assertThat(applied)
        .containsExactly(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto-agent", 3, "task-123"));
    List<ConsumerRecord<String, String>> dead = readAll("otto-dlt", 3);
    assertThat(dead)
        .extracting(r -> header(r, ScaleEventConsumer.HEADER_REASON))
        .satisfiesExactly(
            r -> assertThat(r).startsWith("malformed: not JSON: Duplicate field 'pod_count'"),
            r -> assertThat(r).startsWith("malformed: not JSON: Trailing token"),
            r ->
                assertThat(r)
                    .isEqualTo(
                        "malformed: pod_count must be a whole number in 1..50, got 80 (raise"
                            + " maxPodCount if that many pods are meant)"));
  }

  @Test
  void withoutADeadLetterTopicBadRecordsAreKeptLocallyAndTheStreamMovesOn() throws Exception {
    KAFKA.broker().createTopic("nodlt", 1);
    send("nodlt", "{\"type\":\"scale_up\",\"podCount\":1}");
    send("nodlt", event("scale_up", "eco-worker", 1, "after-bad"));
    DeadLetterLog log = new DeadLetterLog(10, io.ecokube.api.time.Clock.system());
    List<String> applied = new CopyOnWriteArrayList<>();
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            settings("nodlt").build(),
            e -> {
              applied.add(e.taskId());
              return Acceptance.ACCEPTED;
            },
            log)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committed("nodlt-g", "nodlt")).isEqualTo(2L));
      assertThat(consumer.deadLetterLog()).isSameAs(log);
    }
    assertThat(applied).containsExactly("after-bad");
    assertThat(log.entries()).hasSize(1);
    DeadLetterLog.Entry e = log.entries().get(0);
    assertThat(e.origin()).isEqualTo("nodlt-0@0");
    assertThat(e.reason()).startsWith("malformed: task_id is missing");
    assertThat(e.payload()).isEqualTo("{\"type\":\"scale_up\",\"podCount\":1}");
    assertThat(e.whyNotDeadLettered()).isEqualTo("no deadLetterTopic configured");
  }

  static String header(ConsumerRecord<String, String> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
