package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.ManualClock;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lag source against a real KRaft broker, one per class. */
class KafkaLagSourceIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  final ManualClock clock = new ManualClock();

  KafkaLagSource source(String topic, String group, UnaryOperator<KafkaLagSettings.Builder> s) {
    return KafkaLagSource.create(
        s.apply(KafkaLagSettings.builder(KAFKA.broker().bootstrapServers()).target(topic, group))
            .build(),
        clock);
  }

  /** p0: 10 records, committed 4; p1: 5, committed 5; p2: empty, p3: 7, never committed. */
  static void handComputedTopic(String topic, String group) throws Exception {
    KAFKA.broker().createTopic(topic, 4);
    KAFKA.produce(topic, 0, 10);
    KAFKA.produce(topic, 1, 5);
    KAFKA.produce(topic, 3, 7);
    KAFKA.commit(group, topic, Map.of(0, 4L, 1, 5L));
  }

  @Test
  void countsLagWithEachKedaOptionAsComputedByHand() throws Exception {
    handComputedTopic("hand", "hand-g");
    try (KafkaLagSource latest = source("hand", "hand-g", b -> b);
        KafkaLagSource earliest =
            source("hand", "hand-g", b -> b.offsetResetPolicy(OffsetResetPolicy.EARLIEST));
        KafkaLagSource zero = source("hand", "hand-g", b -> b.scaleToZeroOnInvalidOffset(true));
        KafkaLagSource persistent = source("hand", "hand-g", b -> b.excludePersistentLag(true))) {
      BacklogReading r = latest.read().get(0);
      assertThat(r.stale()).as(r.staleReason().orElse("")).isFalse();
      assertThat(r.partitions()).extracting(PartitionLag::lag).containsExactly(6L, 0L, 1L, 1L);
      assertThat(r.partitions())
          .extracting(PartitionLag::logEndOffset)
          .containsExactly(10L, 5L, 0L, 7L);
      assertThat(r.totalLag()).isEqualTo(8);
      assertThat(r.producedRecords()).isEqualTo(22);

      assertThat(earliest.read().get(0).totalLag()).isEqualTo(6 + 0 + 0 + 7);
      assertThat(zero.read().get(0).totalLag()).isEqualTo(6);

      assertThat(persistent.read().get(0).totalLag()).isEqualTo(8);
      assertThat(persistent.read().get(0).totalLag()).as("p0 did not move").isEqualTo(2);
      KAFKA.commit("hand-g", "hand", Map.of(0, 8L));
      assertThat(persistent.read().get(0).totalLag()).as("p0 moved to 8").isEqualTo(2 + 1 + 1);
    }
  }

  @Test
  void followsAGroupThatConsumesAndCommits300RecordsOver10Partitions() throws Exception {
    KAFKA.broker().createTopic("uploads", 10);
    for (int i = 0; i < 300; i++) {
      KAFKA
          .producer()
          .send(new ProducerRecord<>("uploads", i % 10, "upload-" + i, "video-" + i + ".mp4"));
    }
    KAFKA.producer().flush();
    try (KafkaLagSource src = source("uploads", "workers", b -> b)) {
      BacklogReading before = src.read().get(0);
      assertThat(before.staleReason())
          .hasValueSatisfying(s -> assertThat(s).contains("workers does not exist yet"));
      assertThat(before.totalLag()).as("latest policy: 1 per partition").isEqualTo(10);
      assertThat(before.producedRecords()).isEqualTo(300);

      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "workers");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 120);
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("uploads"));
        int consumed = 0;
        List<Long> lagsSeen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumed < 300 && System.nanoTime() < deadline) {
          int n = consumer.poll(Duration.ofMillis(500)).count();
          if (n > 0) {
            consumed += n;
            consumer.commitSync();
            BacklogReading mid = src.read().get(0);
            assertThat(mid.stale()).isFalse();
            lagsSeen.add(mid.totalLag());
          }
        }
        assertThat(consumed).isEqualTo(300);
        assertThat(lagsSeen).isSortedAccordingTo((a, b) -> Long.compare(b, a)).endsWith(0L);
      }
      BacklogReading after = src.read().get(0);
      assertThat(after.stale()).isFalse();
      assertThat(after.partitionCount()).isEqualTo(10);
      assertThat(after.totalLag()).isZero();
      assertThat(after.partitions()).allSatisfy(p -> assertThat(p.committedOffset()).hasValue(30));

      KAFKA.produce("uploads", 7, 50);
      assertThat(src.read().get(0).totalLag()).isEqualTo(50);
    }
  }

  @Test
  void countsPartitionsAddedWhileRunningFromTheNextPoll() throws Exception {
    KAFKA.broker().createTopic("grow", 3);
    KAFKA.commit("grow-g", "grow", Map.of(0, 0L, 1, 0L, 2, 0L));
    List<BacklogReading> seen = new CopyOnWriteArrayList<>();
    try (BacklogPoller poller =
        new BacklogPoller(
            "grow",
            source("grow", "grow-g", b -> b),
            Duration.ofMillis(200),
            readings -> seen.add(readings.get(0)))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !poller.latest().isEmpty());
      assertThat(poller.latest().get(0).partitionCount()).isEqualTo(3);

      KAFKA
          .admin()
          .createPartitions(Map.of("grow", NewPartitions.increaseTo(10)))
          .all()
          .get(30, TimeUnit.SECONDS);
      for (int p = 0; p < 10; p++) {
        KAFKA.produce("grow", p, 2);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                BacklogReading r = poller.latest().get(0);
                assertThat(r.partitionCount()).isEqualTo(10);
                // 3 old partitions: 2 each past commit 0; 7 new ones: no commit -> 1 each
                assertThat(r.totalLag()).isEqualTo(3 * 2 + 7);
                assertThat(r.producedRecords()).isEqualTo(20);
              });
    }
    assertThat(seen).allSatisfy(r -> assertThat(r.stale()).isFalse());
  }

  @Test
  void aDeletedTopicIsStaleNeverZero() throws Exception {
    KAFKA.broker().createTopic("doomed", 2);
    KAFKA.produce("doomed", 0, 5);
    KAFKA.commit("doomed-g", "doomed", Map.of(0, 0L, 1, 0L));
    try (KafkaLagSource src = source("doomed", "doomed-g", b -> b)) {
      assertThat(src.read().get(0).totalLag()).isEqualTo(5);
      KAFKA.admin().deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                BacklogReading r = src.read().get(0);
                assertThat(r.stale()).isTrue();
                assertThat(r.staleReason().orElseThrow())
                    .contains("topic doomed does not exist")
                    .contains(KAFKA.broker().bootstrapServers());
                assertThat(r.partitions()).isEmpty();
              });
    }
  }

  @Test
  void recordsTheProduceRateAsATimeSeries() throws Exception {
    KAFKA.broker().createTopic("rate", 2);
    KAFKA.commit("rate-g", "rate", Map.of(0, 0L, 1, 0L));
    try (KafkaLagSource src = source("rate", "rate-g", b -> b)) {
      LagTarget t = new LagTarget("rate", "rate-g");
      src.read();
      assertThat(src.produceRate(t)).isEmpty();
      KAFKA.produce("rate", 0, 30);
      KAFKA.produce("rate", 1, 10);
      clock.advance(Duration.ofSeconds(1));
      src.read();
      clock.advance(Duration.ofSeconds(1));
      src.read();
      TimeSeries ts = src.produceRate(t).orElseThrow();
      assertThat(ts.step()).isEqualTo(Duration.ofSeconds(1));
      assertThat(ts.size()).isEqualTo(2);
      assertThat(ts.get(0)).isCloseTo(40.0, within(1e-9));
      assertThat(ts.get(1)).isZero();
    }
  }

  @Test
  void readsSeveralTargetsInOnePoll() throws Exception {
    KAFKA.broker().createTopic("multi-a", 2);
    KAFKA.broker().createTopic("multi-b", 1);
    KAFKA.produce("multi-a", 1, 4);
    KAFKA.produce("multi-b", 0, 9);
    KAFKA.commit("multi-g1", "multi-a", Map.of(0, 0L, 1, 1L));
    KAFKA.commit("multi-g2", "multi-b", Map.of(0, 2L));
    try (KafkaLagSource src =
        KafkaLagSource.create(
            KafkaLagSettings.builder(KAFKA.broker().bootstrapServers())
                .target("multi-a", "multi-g1")
                .target("multi-b", "multi-g2")
                .target("multi-missing", "multi-g1")
                .build(),
            clock)) {
      List<BacklogReading> rs = src.read();
      assertThat(rs)
          .extracting(BacklogReading::topic)
          .containsExactly("multi-a", "multi-b", "multi-missing");
      assertThat(rs.get(0).totalLag()).isEqualTo(3);
      assertThat(rs.get(1).totalLag()).isEqualTo(7);
      assertThat(rs.get(2).staleReason().orElseThrow()).contains("multi-missing does not exist");
    }
  }
}
