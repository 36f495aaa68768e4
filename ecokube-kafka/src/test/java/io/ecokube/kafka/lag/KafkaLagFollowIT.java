package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import io.ecokube.api.time.Clock;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BacklogPoller#forKafka}: the end offsets followed by a group-less consumer, the committed
 * offsets polled, against a real KRaft broker.
 */
class KafkaLagFollowIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static KafkaLagSource source(
      String topic, String group, UnaryOperator<KafkaLagSettings.Builder> s) {
    return KafkaLagSource.create(
        s.apply(KafkaLagSettings.builder(KAFKA.broker().bootstrapServers()).target(topic, group))
            .build(),
        Clock.system());
  }

  static BacklogReading latest(BacklogPoller poller) {
    List<BacklogReading> l = poller.latest();
    assertThat(l).hasSize(1);
    return l.get(0);
  }

  @Test
  void aProducedRecordReachesTheListenerWithoutAPollOrAnAdminRequest() throws Exception {
    KAFKA.broker().createTopic("follow", 4);
    KAFKA.commit("follow-g", "follow", Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L));
    List<BacklogReading> seen = new CopyOnWriteArrayList<>();
    // The next poll is 30 s away: only the follower can show the produce in time.
    KafkaLagSource src = source("follow", "follow-g", b -> b.pollInterval(Duration.ofSeconds(30)));
    try (BacklogPoller poller =
        BacklogPoller.forKafka("follow", src, readings -> seen.add(readings.get(0)))) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> !seen.isEmpty() && src.followsEndOffsets());
      assertThat(latest(poller).stale()).as(latest(poller).staleReason().orElse("")).isFalse();
      assertThat(latest(poller).totalLag()).isZero();
      long requests = src.adminRequests();
      long polls = src.polls();

      KAFKA.produce("follow", 1, 3);
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(latest(poller).totalLag()).isEqualTo(3));
      KAFKA.produce("follow", 3, 2);
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(latest(poller).totalLag()).isEqualTo(5));

      assertThat(src.polls()).as("no poll ran").isEqualTo(polls);
      assertThat(src.adminRequests()).as("no admin request").isEqualTo(requests);
      BacklogReading r = latest(poller);
      assertThat(r.stale()).isFalse();
      assertThat(r.partitions())
          .extracting(PartitionLag::logEndOffset)
          .containsExactly(0L, 3L, 0L, 2L);
      assertThat(r.producedRecords()).isEqualTo(5);
      assertThat(seen).allSatisfy(b -> assertThat(b.stale()).isFalse());
    }
  }

  @Test
  void aSteadyBacklogCostsOneAdminRequestPerPollAndAtMostOnePerSecond() throws Exception {
    KAFKA.broker().createTopic("steady", 10);
    Map<Integer, Long> commits = new HashMap<>();
    for (int p = 0; p < 10; p++) {
      KAFKA.produce("steady", p, 5);
      commits.put(p, 2L);
    }
    KAFKA.commit("steady-g", "steady", commits);
    KafkaLagSource src = source("steady", "steady-g", b -> b);
    List<BacklogReading> seen = new CopyOnWriteArrayList<>();
    try (BacklogPoller poller =
        BacklogPoller.forKafka("steady", src, readings -> seen.add(readings.get(0)))) {
      // The first poll reads everything (the follower has not seen the topic yet); wait for one
      // poll after the follower vouches for the end offsets.
      await().atMost(Duration.ofSeconds(15)).until(src::followsEndOffsets);
      long firstPolls = src.polls();
      await().atMost(Duration.ofSeconds(15)).until(() -> src.polls() > firstPolls);
      long start = System.nanoTime();
      long requests = src.adminRequests();
      long polls = src.polls();
      seen.clear();

      await().atMost(Duration.ofSeconds(20)).until(() -> src.polls() >= polls + 5);
      double seconds = (System.nanoTime() - start) / 1e9;
      long sent = src.adminRequests() - requests;
      long polled = src.polls() - polls;

      assertThat(sent).as("one commit read per poll, %d polls", polled).isEqualTo(polled);
      assertThat(sent)
          .as("requests in %.2f s", seconds)
          .isLessThanOrEqualTo((long) Math.floor(seconds) + 1);
      assertThat(seen)
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.stale()).as(r.staleReason().orElse("")).isFalse();
                assertThat(r.totalLag()).isEqualTo(30);
              });
      assertThat(latest(poller).partitions())
          .allSatisfy(p -> assertThat(p.committedOffset()).hasValue(2));
    }
  }

  @Test
  void commitsAreSeenByTheNextPoll() throws Exception {
    KAFKA.broker().createTopic("consumed", 2);
    KAFKA.produce("consumed", 0, 8);
    KAFKA.produce("consumed", 1, 4);
    KAFKA.commit("consumed-g", "consumed", Map.of(0, 0L, 1, 0L));
    KafkaLagSource src =
        source("consumed", "consumed-g", b -> b.pollInterval(Duration.ofMillis(200)));
    try (BacklogPoller poller = BacklogPoller.forKafka("consumed", src, readings -> {})) {
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(latest(poller).totalLag()).isEqualTo(12));
      KAFKA.commit("consumed-g", "consumed", Map.of(0, 6L, 1, 4L));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                BacklogReading r = latest(poller);
                assertThat(r.stale()).isFalse();
                assertThat(r.partitions()).extracting(PartitionLag::lag).containsExactly(2L, 0L);
              });
    }
  }

  @Test
  void persistentLagStaysExcludedUntilTheCommitMovesWhateverIsProduced() throws Exception {
    KAFKA.broker().createTopic("stuck", 1);
    KAFKA.produce("stuck", 0, 10);
    KAFKA.commit("stuck-g", "stuck", Map.of(0, 4L));
    KafkaLagSource src =
        source(
            "stuck",
            "stuck-g",
            b -> b.excludePersistentLag(true).pollInterval(Duration.ofMillis(300)));
    try (BacklogPoller poller = BacklogPoller.forKafka("stuck", src, readings -> {})) {
      // The first poll has no earlier commit to compare with; from the second the commit is stuck.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> src.polls() >= 2 && src.followsEndOffsets());
      assertThat(latest(poller).totalLag()).isZero();
      KAFKA.produce("stuck", 0, 5);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(latest(poller).partitions().get(0).logEndOffset()).isEqualTo(15));
      assertThat(latest(poller).totalLag()).as("still stuck at 4").isZero();
      KAFKA.commit("stuck-g", "stuck", Map.of(0, 9L));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(latest(poller).totalLag()).isEqualTo(6));
    }
  }

  @Test
  void partitionsAddedWhileFollowingCountWithinAPollOrTwo() throws Exception {
    KAFKA.broker().createTopic("widen", 2);
    KAFKA.commit("widen-g", "widen", Map.of(0, 0L, 1, 0L));
    KafkaLagSource src = source("widen", "widen-g", b -> b);
    try (BacklogPoller poller = BacklogPoller.forKafka("widen", src, readings -> {})) {
      await().atMost(Duration.ofSeconds(15)).until(src::followsEndOffsets);
      KAFKA
          .admin()
          .createPartitions(Map.of("widen", NewPartitions.increaseTo(5)))
          .all()
          .get(30, TimeUnit.SECONDS);
      for (int p = 0; p < 5; p++) {
        KAFKA.produce("widen", p, 2);
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                BacklogReading r = latest(poller);
                assertThat(r.partitionCount()).isEqualTo(5);
                // 2 old partitions: 2 each past commit 0; 3 new ones: no commit -> 1 each
                assertThat(r.totalLag()).isEqualTo(2 * 2 + 3);
                assertThat(r.producedRecords()).isEqualTo(10);
              });
    }
  }

  @Test
  void aTopicDeletedWhileFollowedIsStaleNeverZero() throws Exception {
    KAFKA.broker().createTopic("vanish", 2);
    KAFKA.produce("vanish", 0, 5);
    KAFKA.commit("vanish-g", "vanish", Map.of(0, 0L, 1, 0L));
    KafkaLagSource src = source("vanish", "vanish-g", b -> b);
    try (BacklogPoller poller = BacklogPoller.forKafka("vanish", src, readings -> {})) {
      await().atMost(Duration.ofSeconds(15)).until(src::followsEndOffsets);
      assertThat(latest(poller).totalLag()).isEqualTo(5);
      KAFKA.admin().deleteTopics(List.of("vanish")).all().get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                BacklogReading r = latest(poller);
                assertThat(r.stale()).isTrue();
                assertThat(r.staleReason().orElseThrow())
                    .contains("topic vanish does not exist")
                    .contains(KAFKA.broker().bootstrapServers());
                assertThat(r.partitions()).isEmpty();
                assertThat(r.totalLag()).isZero();
              });
    }
  }

  @Test
  void anUnknownGroupStaysStaleButCountsWhatIsProducedByThePolicy() throws Exception {
    KAFKA.broker().createTopic("fresh", 3);
    KAFKA.produce("fresh", 0, 4);
    KafkaLagSource src =
        source("fresh", "nobody", b -> b.offsetResetPolicy(OffsetResetPolicy.EARLIEST));
    try (BacklogPoller poller = BacklogPoller.forKafka("fresh", src, readings -> {})) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> src.polls() >= 2 && src.followsEndOffsets());
      BacklogReading r = latest(poller);
      assertThat(r.staleReason())
          .hasValueSatisfying(s -> assertThat(s).contains("nobody does not exist yet"));
      assertThat(r.totalLag()).as("earliest: the whole log").isEqualTo(4);
      KAFKA.produce("fresh", 2, 3);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(latest(poller).totalLag()).isEqualTo(7));
      assertThat(latest(poller).staleReason()).isPresent();
    }
  }
}
