package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.time.Clock;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A broker that stops gives stale readings within the request timeout, never zero lag, whether read
 * directly or followed.
 */
class KafkaLagSourceBrokerDownIT {
  @Test
  void aStoppedBrokerGivesStaleReadingsWithinTheTimeout() throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
    String bootstrap = kafka.bootstrapServers();
    try (KafkaLagSource src =
        KafkaLagSource.create(
            KafkaLagSettings.builder(bootstrap)
                .target("jobs", "g")
                .requestTimeout(Duration.ofSeconds(2))
                .build(),
            Clock.system())) {
      try {
        kafka.createTopic("jobs", 2);
        try (var producer = kafka.producer()) {
          for (int i = 0; i < 12; i++) {
            producer.send(new ProducerRecord<>("jobs", i % 2, "k", "v"));
          }
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        commits.put(new TopicPartition("jobs", 0), new OffsetAndMetadata(1));
        commits.put(new TopicPartition("jobs", 1), new OffsetAndMetadata(1));
        try (Admin admin = Admin.create(kafka.adminProperties())) {
          admin.alterConsumerGroupOffsets("g", commits).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(src.read().get(0).totalLag()).isEqualTo(10);
      } finally {
        kafka.close();
      }
      long start = System.nanoTime();
      BacklogReading r = src.read().get(0);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.stale()).isTrue();
      assertThat(r.totalLag()).isZero();
      assertThat(r.partitions()).isEmpty();
      assertThat(r.staleReason().orElseThrow())
          .contains("no answer")
          .contains(bootstrap)
          .contains("2000 ms");
      // bounded: request timeout plus the source's margin, with room for a slow machine
      assertThat(tookMs).isLessThan(5_000);
    }
  }

  @Test
  void aStoppedBrokerMakesAFollowedBacklogStaleNeverZero() throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
    String bootstrap = kafka.bootstrapServers();
    KafkaLagSource src =
        KafkaLagSource.create(
            KafkaLagSettings.builder(bootstrap)
                .target("tasks", "g")
                .requestTimeout(Duration.ofSeconds(2))
                .build(),
            Clock.system());
    try (BacklogPoller poller = BacklogPoller.forKafka("down", src, readings -> {})) {
      try {
        kafka.createTopic("tasks", 2);
        try (var producer = kafka.producer()) {
          for (int i = 0; i < 8; i++) {
            producer.send(new ProducerRecord<>("tasks", i % 2, "k", "v"));
          }
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        commits.put(new TopicPartition("tasks", 0), new OffsetAndMetadata(1));
        commits.put(new TopicPartition("tasks", 1), new OffsetAndMetadata(1));
        try (Admin admin = Admin.create(kafka.adminProperties())) {
          admin.alterConsumerGroupOffsets("g", commits).all().get(30, TimeUnit.SECONDS);
        }
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () -> {
                  assertThat(src.followsEndOffsets()).isTrue();
                  assertThat(poller.latest().get(0).totalLag()).isEqualTo(6);
                });
      } finally {
        kafka.close();
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                BacklogReading r = poller.latest().get(0);
                assertThat(r.stale()).isTrue();
                assertThat(r.totalLag()).isZero();
                assertThat(r.partitions()).isEmpty();
                assertThat(r.staleReason().orElseThrow())
                    .contains("no answer")
                    .contains(bootstrap)
                    .contains("2000 ms");
              });
      // A fetch answered just before the broker stopped may be handled late on a loaded machine;
      // once no answer comes within the request timeout the follower must stop vouching.
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(src.followsEndOffsets())
                      .as("unanswered fetches: the follower vouches for nothing")
                      .isFalse());
    }
  }
}
