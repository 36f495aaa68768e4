package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.time.Clock;
import io.ecokube.kafka.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A broker that stops gives stale readings within the request timeout, never zero lag. */
class KafkaLagSourceBrokerDownIT {
  @Test
  void aStoppedBrokerGivesStaleReadingsWithinTheTimeout() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
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
}
