package io.ecokube.kafka.lag;

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
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Reads offsets through one Kafka {@link Admin} client: the topics' partitions and end offsets, the
 * groups' committed offsets and whether each group exists. Requests are batched over all partitions
 * or groups and sent at once; every wait is bounded by the request timeout, and a failure is
 * described by what could not be read, where, and what to check.
 */
final class OffsetFetcher {
  private final KafkaLagSettings settings;
  private final Admin admin;
  private final Clock clock;
  private final Set<String> topics;
  private final Set<String> groups;
  private final AtomicLong adminCalls = new AtomicLong();
  private volatile Set<TopicPartition> knownPartitions = Set.of();

  /** What one poll learnt, before it is counted. */
  record Fetched(
      Instant at,
      Map<String, SortedMap<Integer, Long>> endsOf,
      Map<String, String> topicProblem,
      Map<String, String> endsProblem,
      Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets,
      Map<String, String> groupProblem,
      Map<String, Optional<String>> groupUnknown) {}

  OffsetFetcher(
      KafkaLagSettings settings, Admin admin, Clock clock, Set<String> topics, Set<String> groups) {
    this.settings = settings;
    this.admin = admin;
    this.clock = clock;
    this.topics = topics;
    this.groups = groups;
  }

  /** Creates the admin client; it connects lazily, so an unreachable broker shows as stale. */
  static Admin admin(KafkaLagSettings settings) {
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
    return Admin.create(props);
  }

  /** Admin requests sent so far. */
  long adminCalls() {
    return adminCalls.get();
  }

  /**
   * Everything through the admin client: four batched requests (five when partitions appear), see
   * {@link KafkaLagSource}.
   */
  Fetched fetchAll() {
    Instant at = clock.now();
    long deadline = deadline();
    int timeoutMs = (int) settings.requestTimeout().toMillis();

    // All four requests go out at once: end offsets of the partitions known from the last poll,
    // and all committed offsets of each group, do not wait for the topic description. Only
    // partitions that the description shows for the first time need a second round trip.
    adminCalls.incrementAndGet();
    Map<String, KafkaFuture<TopicDescription>> described =
        admin
            .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .topicNameValues();
    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> endOffsets =
        listEndOffsets(knownPartitions, timeoutMs);
    ListConsumerGroupOffsetsResult committed = listCommitted(timeoutMs);
    adminCalls.incrementAndGet();
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

    Map<String, SortedMap<Integer, Long>> endsOf = new HashMap<>();
    Map<String, String> endsProblem = new HashMap<>();
    for (Map.Entry<String, List<TopicPartition>> e : partitionsOf.entrySet()) {
      SortedMap<Integer, Long> ends = new TreeMap<>();
      try {
        for (TopicPartition tp : e.getValue()) {
          ends.put(tp.partition(), await(endOffsets.get(tp), deadline).offset());
        }
        endsOf.put(e.getKey(), ends);
      } catch (Exception ex) {
        endsProblem.put(e.getKey(), describeFailure("end offsets of topic " + e.getKey(), ex));
      }
    }

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
    return new Fetched(
        at, endsOf, topicProblem, endsProblem, groupOffsets, groupProblem, groupUnknown);
  }

  /**
   * A poll for end offsets the follower vouches for: one request for the committed offsets of all
   * groups, and a group description only for a group without any committed offset (the one case
   * where the offsets cannot tell a group that exists from one that does not).
   */
  Fetched fetchCommitted(Map<String, SortedMap<Integer, Long>> endsOf) {
    Instant at = clock.now();
    long deadline = deadline();
    int timeoutMs = (int) settings.requestTimeout().toMillis();
    ListConsumerGroupOffsetsResult committed = listCommitted(timeoutMs);
    Set<TopicPartition> current = new LinkedHashSet<>();
    endsOf.forEach(
        (topic, ends) -> ends.keySet().forEach(p -> current.add(new TopicPartition(topic, p))));
    knownPartitions = current;

    Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets = new HashMap<>();
    Map<String, String> groupProblem = new HashMap<>();
    Set<String> withoutCommits = new LinkedHashSet<>();
    for (String group : groups) {
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            await(committed.partitionsToOffsetAndMetadata(group), deadline);
        groupOffsets.put(group, offsets);
        if (offsets.values().stream().noneMatch(Objects::nonNull)) {
          withoutCommits.add(group);
        }
      } catch (Exception e) {
        groupProblem.put(group, describeFailure("consumer group " + group, e));
      }
    }
    Map<String, Optional<String>> groupUnknown = new HashMap<>();
    groupOffsets.keySet().forEach(g -> groupUnknown.put(g, Optional.empty()));
    if (!withoutCommits.isEmpty()) {
      adminCalls.incrementAndGet();
      Map<String, KafkaFuture<ConsumerGroupDescription>> descriptions =
          admin
              .describeConsumerGroups(
                  withoutCommits, new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs))
              .describedGroups();
      for (String group : withoutCommits) {
        try {
          groupUnknown.put(group, unknownGroup(group, descriptions.get(group), deadline));
        } catch (Exception e) {
          groupOffsets.remove(group);
          groupProblem.put(group, describeFailure("consumer group " + group, e));
        }
      }
    }
    return new Fetched(at, endsOf, Map.of(), Map.of(), groupOffsets, groupProblem, groupUnknown);
  }

  private ListConsumerGroupOffsetsResult listCommitted(int timeoutMs) {
    Map<String, ListConsumerGroupOffsetsSpec> allOffsets = new LinkedHashMap<>();
    groups.forEach(g -> allOffsets.put(g, new ListConsumerGroupOffsetsSpec()));
    adminCalls.incrementAndGet();
    return admin.listConsumerGroupOffsets(
        allOffsets, new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs));
  }

  private long deadline() {
    return System.nanoTime() + settings.requestTimeout().toNanos() + 500_000_000L;
  }

  private Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> listEndOffsets(
      Set<TopicPartition> partitions, int timeoutMs) {
    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> out = new HashMap<>();
    if (partitions.isEmpty()) {
      return out;
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    adminCalls.incrementAndGet();
    ListOffsetsResult result =
        admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(timeoutMs));
    partitions.forEach(tp -> out.put(tp, result.partitionResult(tp)));
    return out;
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

  void close() {
    admin.close(settings.requestTimeout());
  }
}
