package io.ecokube.kafka.lag;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.BacklogSource;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backlog from Kafka consumer-group lag, read with one {@link Admin} client: per-partition lag =
 * log-end offset - committed offset, counted with KEDA's rules (see {@link KafkaLagSettings}).
 *
 * <p>Each {@link #read()} describes the topics again, so partitions added to a topic count from the
 * very next poll (the prototype's consumers kept a 3-partition view of a 10-partition topic and
 * left 7 partitions unread). One poll costs four batched admin requests whatever the partition
 * count, sent at once: describe the topics, list the end offsets of the partitions known from the
 * last poll, list the groups' committed offsets, describe the groups; partitions seen for the first
 * time cost one more end-offset request. Every call is bounded by the request timeout.
 *
 * <p>A topic that does not exist, a broker that does not answer, or offsets that cannot be read
 * give a {@linkplain BacklogReading#stale() stale} reading that names the cause, never zero lag. A
 * consumer group that does not exist yet gives a stale reading that still counts the backlog by the
 * offset-reset policy: enough to start a first consumer, never enough to scale anything down.
 */
public final class KafkaLagSource implements BacklogSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLagSource.class);

  private final KafkaLagSettings settings;
  private final Admin admin;
  private final Clock clock;
  private final LagCalculator calculator;
  private final Map<LagTarget, ProduceRateSeries> rates = new LinkedHashMap<>();
  private final Map<String, Integer> knownPartitionCounts = new HashMap<>();
  private Set<TopicPartition> knownPartitions = Set.of();
  private final Map<TopicPartition, Long> lastEndOffsets = new HashMap<>();

  private KafkaLagSource(KafkaLagSettings settings, Admin admin, Clock clock) {
    this.settings = settings;
    this.admin = admin;
    this.clock = clock;
    this.calculator = new LagCalculator(settings);
    for (LagTarget t : settings.targets()) {
      rates.put(t, new ProduceRateSeries(settings.pollInterval(), settings.rateHistory()));
    }
  }

  /** Creates the admin client; it connects lazily, so an unreachable broker shows as stale. */
  public static KafkaLagSource create(KafkaLagSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Properties props = new Properties();
    props.putAll(settings.clientProperties());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    int timeoutMs = (int) settings.requestTimeout().toMillis();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "ecokube-lag");
    // A broker that comes back must be seen within a poll or two, not after the default 1 s+
    // backoff
    // growth to 10 s.
    props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    props.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
    return new KafkaLagSource(settings, Admin.create(props), clock);
  }

  /** The settings this source reads with. */
  public KafkaLagSettings settings() {
    return settings;
  }

  /**
   * The produce rate of a target's topic (records per second per poll interval) for a forecaster;
   * empty until two fresh polls gave a first rate.
   */
  public Optional<TimeSeries> produceRate(LagTarget target) {
    ProduceRateSeries series = rates.get(target);
    if (series == null) {
      throw new IllegalArgumentException(
          "no lag target " + target + "; configured targets: " + settings.targets());
    }
    return series.series();
  }

  @Override
  public synchronized List<BacklogReading> read() {
    Instant at = clock.now();
    long deadline = System.nanoTime() + settings.requestTimeout().toNanos() + 500_000_000L;
    int timeoutMs = (int) settings.requestTimeout().toMillis();

    Set<String> topics = new LinkedHashSet<>();
    Set<String> groups = new LinkedHashSet<>();
    for (LagTarget t : settings.targets()) {
      topics.add(t.topic());
      groups.add(t.group());
    }

    // All four requests go out at once: end offsets of the partitions known from the last poll,
    // and all committed offsets of each group, do not wait for the topic description. Only
    // partitions that the description shows for the first time need a second round trip.
    Map<String, KafkaFuture<TopicDescription>> described =
        admin
            .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .topicNameValues();
    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> endOffsets =
        listEndOffsets(knownPartitions, timeoutMs);
    Map<String, ListConsumerGroupOffsetsSpec> allOffsets = new LinkedHashMap<>();
    groups.forEach(g -> allOffsets.put(g, new ListConsumerGroupOffsetsSpec()));
    ListConsumerGroupOffsetsResult committed =
        admin.listConsumerGroupOffsets(
            allOffsets, new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs));
    Map<String, KafkaFuture<ConsumerGroupDescription>> groupDescriptions =
        admin
            .describeConsumerGroups(
                groups, new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs))
            .describedGroups();

    Map<String, List<TopicPartition>> partitionsOf = new LinkedHashMap<>();
    Map<String, String> topicProblem = new HashMap<>();
    for (String topic : topics) {
      try {
        TopicDescription d = await(described.get(topic), deadline);
        List<TopicPartition> tps = new ArrayList<>();
        for (TopicPartitionInfo p : d.partitions()) {
          tps.add(new TopicPartition(topic, p.partition()));
        }
        partitionsOf.put(topic, tps);
        notePartitionCount(topic, tps.size());
      } catch (Exception e) {
        topicProblem.put(topic, describeFailure("topic " + topic, e));
      }
    }
    Set<TopicPartition> current = new LinkedHashSet<>();
    partitionsOf.values().forEach(current::addAll);
    Set<TopicPartition> fresh = new LinkedHashSet<>(current);
    fresh.removeAll(endOffsets.keySet());
    endOffsets.putAll(listEndOffsets(fresh, timeoutMs));
    knownPartitions = current;
    lastEndOffsets.keySet().retainAll(current);

    Map<String, Optional<String>> groupUnknown = new HashMap<>();
    Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets = new HashMap<>();
    Map<String, String> groupProblem = new HashMap<>();
    for (String group : groups) {
      try {
        groupOffsets.put(group, await(committed.partitionsToOffsetAndMetadata(group), deadline));
        groupUnknown.put(group, unknownGroup(group, groupDescriptions.get(group), deadline));
      } catch (Exception e) {
        groupProblem.put(group, describeFailure("consumer group " + group, e));
      }
    }

    List<BacklogReading> readings = new ArrayList<>(settings.targets().size());
    for (LagTarget t : settings.targets()) {
      readings.add(
          readTarget(
              t,
              at,
              deadline,
              partitionsOf,
              topicProblem,
              endOffsets,
              groupOffsets,
              groupProblem,
              groupUnknown));
    }
    return readings;
  }

  private Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> listEndOffsets(
      Set<TopicPartition> partitions, int timeoutMs) {
    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> out = new HashMap<>();
    if (partitions.isEmpty()) {
      return out;
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    ListOffsetsResult result =
        admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(timeoutMs));
    partitions.forEach(tp -> out.put(tp, result.partitionResult(tp)));
    return out;
  }

  private BacklogReading readTarget(
      LagTarget t,
      Instant at,
      long deadline,
      Map<String, List<TopicPartition>> partitionsOf,
      Map<String, String> topicProblem,
      Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> endOffsets,
      Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets,
      Map<String, String> groupProblem,
      Map<String, Optional<String>> groupUnknown) {
    String problem = topicProblem.get(t.topic());
    if (problem != null) {
      calculator.forget(t);
      return stale(t, at, problem);
    }
    SortedMap<Integer, Long> ends = new TreeMap<>();
    try {
      for (TopicPartition tp : partitionsOf.get(t.topic())) {
        long end = await(endOffsets.get(tp), deadline).offset();
        ends.put(tp.partition(), end);
        lastEndOffsets.put(tp, end);
      }
    } catch (Exception e) {
      return stale(t, at, describeFailure("end offsets of topic " + t.topic(), e));
    }
    problem = groupProblem.get(t.group());
    if (problem != null) {
      return stale(t, at, problem);
    }
    Map<Integer, Long> commits = new HashMap<>();
    groupOffsets
        .get(t.group())
        .forEach(
            (tp, om) -> {
              if (om != null && tp.topic().equals(t.topic())) {
                commits.put(tp.partition(), om.offset());
              }
            });
    Optional<String> unknown = groupUnknown.get(t.group());
    BacklogReading reading = calculator.compute(t, at, ends, commits, unknown);
    rates.get(t).record(at, reading.producedRecords());
    return reading;
  }

  private BacklogReading stale(LagTarget t, Instant at, String reason) {
    LOG.warn("lag of {} is unknown: {}", t, reason);
    return BacklogReading.stale(t.group(), t.topic(), at, reason);
  }

  private Optional<String> unknownGroup(
      String group, KafkaFuture<ConsumerGroupDescription> description, long deadline)
      throws Exception {
    try {
      ConsumerGroupDescription d = await(description, deadline);
      if (d.groupState() != GroupState.DEAD) {
        return Optional.empty();
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        throw e;
      }
    }
    return Optional.of(
        "consumer group "
            + group
            + " does not exist yet (no consumer joined, or its offsets expired); lag counted by"
            + " offsetResetPolicy="
            + settings.offsetResetPolicy()
            + (settings.scaleToZeroOnInvalidOffset() ? " with scaleToZeroOnInvalidOffset" : ""));
  }

  private void notePartitionCount(String topic, int count) {
    Integer before = knownPartitionCounts.put(topic, count);
    if (before != null && before != count) {
      LOG.info(
          "topic {} now has {} partitions (was {}); counting all of them", topic, count, before);
    }
  }

  private String describeFailure(String what, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof UnknownTopicOrPartitionException) {
      return what
          + " does not exist (deleted, or not created yet) on "
          + settings.bootstrapServers();
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException
        || cause instanceof java.util.concurrent.TimeoutException) {
      return "no answer about "
          + what
          + " from the brokers at "
          + settings.bootstrapServers()
          + " within "
          + settings.requestTimeout().toMillis()
          + " ms: check that they run and are reachable";
    }
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return "interrupted while reading " + what;
    }
    return "could not read "
        + what
        + " from "
        + settings.bootstrapServers()
        + ": "
        + cause.getClass().getSimpleName()
        + ": "
        + cause.getMessage();
  }

  private static <T> T await(KafkaFuture<T> future, long deadlineNanos) throws Exception {
    long left = Math.max(1, deadlineNanos - System.nanoTime());
    return future.get(left, TimeUnit.NANOSECONDS);
  }

  /**
   * A cheap check between full reads: one end-offset request for the partitions known from the last
   * read. True when any of them grew since (something was produced), so a poller that sees an idle
   * backlog can read at once instead of waiting out the poll interval. False on any failure; the
   * next full read reports it.
   */
  public boolean endOffsetsMoved() {
    Map<TopicPartition, Long> before;
    synchronized (this) {
      before = Map.copyOf(lastEndOffsets);
    }
    if (before.isEmpty()) {
      return false;
    }
    long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> now =
        listEndOffsets(before.keySet(), (int) settings.requestTimeout().toMillis());
    for (Map.Entry<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> e : now.entrySet()) {
      try {
        if (await(e.getValue(), deadline).offset() > before.get(e.getKey())) {
          return true;
        }
      } catch (Exception ex) {
        if (ex instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return false;
      }
    }
    return false;
  }

  /** Closes the admin client, waiting at most the request timeout. */
  @Override
  public void close() {
    try {
      admin.close(settings.requestTimeout());
    } catch (RuntimeException e) {
      LOG.warn(
          "closing the lag admin client of {} failed: {}",
          settings.bootstrapServers(),
          e.toString());
    }
  }
}
