package io.ecokube.kafka.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the end offsets of some topics as they move, with one consumer that has no group (no
 * membership, no commits): it assigns itself every partition, stands at the end of each and
 * long-polls. The broker answers such a fetch as soon as a record is appended, and every fetch
 * response carries the partitions' high watermarks, which is the end offset an admin {@code
 * ListOffsets(latest)} reports too. The records themselves are never wanted: fetches are capped at
 * one batch and the consumer seeks back to the end after each poll.
 *
 * <p>Runs on its own daemon thread ({@code ecokube-lag-follow}); the state it publishes (partitions
 * per topic, end offset per partition, whether fetches still get answers) is safe to read from any
 * thread. It never decides lag by itself: whatever it cannot vouch for, {@link KafkaLagSource}
 * reads through its admin client.
 */
final class EndOffsetFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EndOffsetFollower.class);

  /** Bounds the wait of one poll, so topology checks and shutdown are never far away. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  /**
   * The least time between two fetches while records keep arriving. An idle topic is long-polled,
   * so its first record is seen at once; under a steady produce load every fetch would be answered
   * at once, and each costs the broker work for every partition of the fetch session (at 1,000
   * partitions and 10,000 records/s unspaced fetches starved the producers). This bounds how late a
   * record under load is seen, and the fetch rate to 50 per second.
   */
  private static final long FETCH_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Runnable onMove;
  private final long topologyCheckNanos;
  private final long answerWithinNanos;
  private final long retryNanos;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  private final Map<String, List<Integer>> partitionsOf = new ConcurrentHashMap<>();
  private final Set<String> leaderless = ConcurrentHashMap.newKeySet();
  private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
  private volatile long lastAnswerNanos;
  private volatile boolean answered;
  private volatile Optional<String> failure = Optional.empty();

  /**
   * Starts following.
   *
   * @param settings bootstrap servers, client properties, poll interval (how often partition counts
   *     are checked) and request timeout (how long without fetch answers counts as not following)
   * @param topics the topics to follow
   * @param onMove called on the follower thread whenever an end offset moved; must not block
   */
  EndOffsetFollower(KafkaLagSettings settings, Set<String> topics, Runnable onMove) {
    this.topics = List.copyOf(topics);
    this.onMove = Objects.requireNonNull(onMove, "onMove");
    this.topologyCheckNanos = settings.pollInterval().toNanos();
    this.answerWithinNanos = settings.requestTimeout().toNanos();
    this.retryNanos = settings.pollInterval().toNanos();
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties(settings), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "ecokube-lag-follow");
    thread.setDaemon(true);
    thread.start();
  }

  private static Properties consumerProperties(KafkaLagSettings settings) {
    Properties p = new Properties();
    p.putAll(settings.clientProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        p.getProperty(ConsumerConfig.CLIENT_ID_CONFIG, "ecokube-lag") + "-follow");
    // No group: the follower must never join, commit, or show up as a consumer of the workload.
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Reading a topic must never create it again after it was deleted.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // An offset that vanished (retention, truncation) puts the follower at the end, where it wants
    // to be anyway.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // The same end offset an admin ListOffsets(latest) gives: the high watermark.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    // At most one record batch per fetch (the broker always returns the first one whole); the
    // high watermarks of all partitions come with it whatever their data.
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1");
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
    // Partitions added to a topic are seen within about a poll interval, as with describeTopics.
    p.put(
        ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(settings.pollInterval().toMillis()));
    int timeoutMs = (int) settings.requestTimeout().toMillis();
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.putIfAbsent(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
    return p;
  }

  /**
   * The partitions of a topic and the end offset of each, when the follower can vouch for all of
   * them: fetches are answered, every partition has a leader and an end offset. Empty otherwise
   * (the topic is unknown to it, deleted, not yet assigned, or the brokers stopped answering).
   */
  Optional<Map<Integer, Long>> endOffsets(String topic) {
    return whyNotVouchedFor(topic).isPresent() ? Optional.empty() : Optional.of(seenEnds(topic));
  }

  /** Why {@link #endOffsets} is empty for a topic; empty when the follower vouches for it. */
  Optional<String> whyNotVouchedFor(String topic) {
    if (failure.isPresent()) {
      return Optional.of("its fetches fail: " + failure.get());
    }
    if (!following()) {
      return Optional.of(
          answered
              ? "its fetches went unanswered for " + answerWithinNanos / 1_000_000 + " ms"
              : "it has had no fetch answered yet");
    }
    if (leaderless.contains(topic)) {
      return Optional.of("a partition of topic " + topic + " has no leader");
    }
    List<Integer> partitions = partitionsOf.get(topic);
    if (partitions == null || partitions.isEmpty()) {
      return Optional.of("it does not see topic " + topic);
    }
    for (int p : partitions) {
      if (!ends.containsKey(new TopicPartition(topic, p))) {
        return Optional.of("the end offset of " + topic + "-" + p + " is not known yet");
      }
    }
    return Optional.empty();
  }

  private Map<Integer, Long> seenEnds(String topic) {
    Map<Integer, Long> out = new TreeMap<>();
    for (int p : partitionsOf.getOrDefault(topic, List.of())) {
      Long end = ends.get(new TopicPartition(topic, p));
      if (end != null) {
        out.put(p, end);
      }
    }
    return out;
  }

  /** The end offset of one partition as last seen, if the follower is following. */
  OptionalLong endOffset(TopicPartition tp) {
    Long end = following() ? ends.get(tp) : null;
    return end == null ? OptionalLong.empty() : OptionalLong.of(end);
  }

  /** Whether fetches got answers within the request timeout and the last poll did not fail. */
  boolean following() {
    return answered && failure.isEmpty() && System.nanoTime() - lastAnswerNanos < answerWithinNanos;
  }

  /** Why the follower cannot follow, when a poll failed (missing READ permission, ...). */
  Optional<String> failure() {
    return failure;
  }

  private void run() {
    Metric fetches = null;
    double fetchesSeen = 0;
    long nextTopologyCheck = System.nanoTime();
    try {
      while (running) {
        try {
          if (System.nanoTime() - nextTopologyCheck >= 0) {
            assignAll();
            nextTopologyCheck = System.nanoTime() + topologyCheckNanos;
          }
          if (consumer.assignment().isEmpty()) {
            // None of the topics exists: nothing to fetch until the next topology check.
            if (stopped.await(POLL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
              return;
            }
            continue;
          }
          consumer.poll(POLL_TIMEOUT);
          if (fetches == null) {
            fetches = fetchCount();
          }
          if (fetches != null) {
            double n = ((Number) fetches.metricValue()).doubleValue();
            if (n > fetchesSeen) {
              fetchesSeen = n;
              lastAnswerNanos = System.nanoTime();
              answered = true;
            }
          }
          if (failure.isPresent()) {
            LOG.info("following end offsets of {} again", topics);
            failure = Optional.empty();
          }
          if (noteEnds()) {
            onMove.run();
            if (stopped.await(FETCH_SPACING_NANOS, TimeUnit.NANOSECONDS)) {
              return;
            }
          }
        } catch (WakeupException | InterruptException e) {
          if (running) {
            throw e;
          }
        } catch (KafkaException e) {
          if (failure.isEmpty()) {
            LOG.warn(
                "cannot follow the end offsets of {} ({}); lag is read through the admin client"
                    + " every poll interval until this clears. If this is an authorization error,"
                    + " grant READ on the topics to the lag reader's principal",
                topics,
                e.toString());
          }
          failure = Optional.of(e.toString());
          if (stopped.await(retryNanos, TimeUnit.NANOSECONDS)) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("the end-offset follower of {} stopped", topics, e);
        failure = Optional.of(e.toString());
      }
    } finally {
      try {
        consumer.close(Duration.ofMillis(Math.min(answerWithinNanos / 1_000_000, 5_000)));
      } catch (RuntimeException e) {
        LOG.warn("closing the end-offset follower failed: {}", e.toString());
      }
    }
  }

  /**
   * The consumer's count of answered fetches: a long poll is answered at the latest after {@code
   * fetch.max.wait.ms} (500 ms), so a count that stops growing means the brokers stopped answering.
   */
  private Metric fetchCount() {
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals("fetch-total")
          && n.group().equals("consumer-fetch-manager-metrics")
          && !n.tags().containsKey("topic")) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Assigns every partition of every topic; partitions new to the follower start at the end. */
  private void assignAll() {
    Set<TopicPartition> wanted = new HashSet<>();
    for (String topic : topics) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, POLL_TIMEOUT.multipliedBy(10));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // No answer about the topic: keep what is known; the answer check covers a dead broker.
        List<Integer> known = partitionsOf.getOrDefault(topic, List.of());
        known.forEach(p -> wanted.add(new TopicPartition(topic, p)));
        continue;
      } catch (KafkaException e) {
        infos = List.of();
      }
      List<Integer> partitions = new ArrayList<>();
      boolean noLeader = false;
      for (PartitionInfo info : infos) {
        partitions.add(info.partition());
        wanted.add(new TopicPartition(topic, info.partition()));
        noLeader |= info.leader() == null || info.leader().isEmpty();
      }
      partitions.sort(null);
      if (noLeader) {
        leaderless.add(topic);
      } else {
        leaderless.remove(topic);
      }
      List<Integer> before = partitionsOf.put(topic, List.copyOf(partitions));
      if (before != null && !before.isEmpty() && partitions.isEmpty()) {
        LOG.info("topic {} is gone; no longer following it", topic);
      }
    }
    Set<TopicPartition> assigned = consumer.assignment();
    if (!assigned.equals(wanted)) {
      Set<TopicPartition> added = new HashSet<>(wanted);
      added.removeAll(assigned);
      consumer.assign(wanted);
      consumer.seekToEnd(added);
      ends.keySet().retainAll(wanted);
    }
  }

  /** Notes each partition's end offset and stands at it again; true when any of them moved. */
  private boolean noteEnds() {
    boolean moved = false;
    for (TopicPartition tp : consumer.assignment()) {
      long position;
      try {
        position = consumer.position(tp, Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        continue; // its end offset is still being looked up
      }
      OptionalLong behind = consumer.currentLag(tp);
      long end = position + (behind.isPresent() ? Math.max(0, behind.getAsLong()) : 0);
      if (end != position) {
        consumer.seek(tp, end);
      }
      Long before = ends.put(tp, end);
      if (before == null || before != end) {
        moved = true;
      }
    }
    return moved;
  }

  /** Stops the thread and closes the consumer. */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    consumer.wakeup();
    try {
      thread.join(Math.max(1_000, answerWithinNanos / 1_000_000 + 1_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
