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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backlog from Kafka consumer-group lag: per-partition lag = log-end offset - committed offset,
 * counted with KEDA's rules (see {@link KafkaLagSettings}).
 *
 * <p>Two ways to read it:
 *
 * <ul>
 *   <li>{@link #read()}: everything now, with one {@link Admin} client. It describes the topics
 *       again, so partitions added to a topic count from the very next read (the prototype's
 *       consumers kept a 3-partition view of a 10-partition topic and left 7 partitions unread). A
 *       read costs four batched admin requests whatever the partition count, sent at once: describe
 *       the topics, list the end offsets of the partitions known from the last read, list the
 *       groups' committed offsets, describe the groups; partitions seen for the first time cost one
 *       more end-offset request. Every call is bounded by the request timeout.
 *   <li>{@link BacklogPoller#forKafka}: a produce reaches the listener within milliseconds, without
 *       any admin request. A consumer without a group follows the topics' end offsets as the broker
 *       appends ({@link EndOffsetFollower}); each move gives a reading from the new end offsets and
 *       the committed offsets of the last poll. Every poll interval one admin request reads the
 *       committed offsets of all groups (plus a group description for a group that has none).
 *       Whatever the follower cannot vouch for (a topic it does not see, a partition without a
 *       leader, fetches that go unanswered, no READ permission) is read as {@link #read()} does.
 * </ul>
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
  private final Set<String> topics = new LinkedHashSet<>();
  private final Set<String> groups = new LinkedHashSet<>();
  private final Map<LagTarget, ProduceRateSeries> rates = new LinkedHashMap<>();
  private final Map<String, Integer> knownPartitionCounts = new HashMap<>();
  private final AtomicLong adminCalls = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private volatile Set<TopicPartition> knownPartitions = Set.of();

  // Set once by follow(); guarded by this.
  private EndOffsetFollower follower;
  private ScheduledExecutorService poller;
  private Map<LagTarget, Base> bases = Map.of();
  // Only the poll thread touches it: why the last poll read everything through the admin client.
  private Optional<String> slowPathReason = Optional.empty();

  private KafkaLagSource(KafkaLagSettings settings, Admin admin, Clock clock) {
    this.settings = settings;
    this.admin = admin;
    this.clock = clock;
    this.calculator = new LagCalculator(settings);
    for (LagTarget t : settings.targets()) {
      topics.add(t.topic());
      groups.add(t.group());
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

  /**
   * Reads every target now through the admin client: four batched requests whatever the partition
   * count (see the class comment), bounded by the request timeout. The poller of {@link
   * BacklogPoller#forKafka} does not call this on a timer; it follows the end offsets instead.
   */
  @Override
  public List<BacklogReading> read() {
    return assemble(fetchAll());
  }

  /** What one poll learnt, before it is counted. */
  private record Fetched(
      Instant at,
      Map<String, SortedMap<Integer, Long>> endsOf,
      Map<String, String> topicProblem,
      Map<String, String> endsProblem,
      Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets,
      Map<String, String> groupProblem,
      Map<String, Optional<String>> groupUnknown) {}

  /** The last poll's outcome for one target, for readings between polls. */
  private record Base(BacklogReading reading, Optional<Counted> counted) {}

  /** Offsets a reading was counted from. */
  private record Counted(
      SortedMap<Integer, Long> ends, Map<Integer, Long> commits, Optional<String> unknown) {}

  private Fetched fetchAll() {
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
  private Fetched fetchCommitted(Map<String, SortedMap<Integer, Long>> endsOf) {
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

  /** Counts a poll with fresh committed offsets: the readings, the produce rate, the bases. */
  private synchronized List<BacklogReading> assemble(Fetched f) {
    f.endsOf().forEach((topic, ends) -> notePartitionCount(topic, ends.size()));
    List<BacklogReading> readings = new ArrayList<>(settings.targets().size());
    Map<LagTarget, Base> next = new LinkedHashMap<>();
    for (LagTarget t : settings.targets()) {
      Base b = count(t, f);
      next.put(t, b);
      readings.add(b.reading());
    }
    bases = next;
    return readings;
  }

  private Base count(LagTarget t, Fetched f) {
    String problem = f.topicProblem().get(t.topic());
    if (problem != null) {
      calculator.forget(t);
      return new Base(stale(t, f.at(), problem), Optional.empty());
    }
    problem = f.endsProblem().get(t.topic());
    if (problem == null) {
      problem = f.groupProblem().get(t.group());
    }
    if (problem != null) {
      return new Base(stale(t, f.at(), problem), Optional.empty());
    }
    SortedMap<Integer, Long> ends = f.endsOf().get(t.topic());
    Map<Integer, Long> commits = new HashMap<>();
    f.groupOffsets()
        .get(t.group())
        .forEach(
            (tp, om) -> {
              if (om != null && tp.topic().equals(t.topic())) {
                commits.put(tp.partition(), om.offset());
              }
            });
    Optional<String> unknown = f.groupUnknown().get(t.group());
    BacklogReading reading = calculator.compute(t, f.at(), ends, commits, unknown);
    rates.get(t).record(f.at(), reading.producedRecords());
    return new Base(reading, Optional.of(new Counted(ends, commits, unknown)));
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
   * How many admin requests this source has sent so far (each one batched over all partitions or
   * all groups): four or five per {@link #read()}, one or two per poll while following.
   */
  public long adminRequests() {
    return adminCalls.get();
  }

  /**
   * Starts following: the end-offset follower, and a poll of the committed offsets every poll
   * interval, the first one at once. {@code changed} is called (from the follower's or the poll's
   * thread; it must not block) whenever {@link #current()} may have changed.
   */
  synchronized void follow(Runnable changed) {
    if (follower != null) {
      throw new IllegalStateException("this lag source already follows its topics");
    }
    follower = new EndOffsetFollower(settings, topics, changed);
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-lag-poll");
              t.setDaemon(true);
              return t;
            });
    schedulePoll(follower, poller, changed, 0);
  }

  /**
   * Polls once after {@code delayNanos}, then again a poll interval after that poll started. Not at
   * a fixed rate: polls that ran out their timeout (a broker busy creating 1,000 partitions) must
   * not be made up for by a burst of polls afterwards.
   */
  private void schedulePoll(
      EndOffsetFollower f, ScheduledExecutorService on, Runnable changed, long delayNanos) {
    try {
      on.schedule(
          () -> {
            long start = System.nanoTime();
            try {
              poll(f);
            } catch (RuntimeException e) {
              LOG.error("lag poll of {} failed; the next one follows", settings.targets(), e);
            }
            changed.run();
            long next = settings.pollInterval().toNanos() - (System.nanoTime() - start);
            schedulePoll(f, on, changed, Math.max(0, next));
          },
          delayNanos,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * Whether {@link BacklogPoller#forKafka} runs the fast path: the end-offset follower gets answers
   * and vouches for every partition it sees. False before following starts and while lag is read
   * through the admin client instead (the log says why).
   */
  public synchronized boolean followsEndOffsets() {
    return follower != null && follower.following();
  }

  /** How many polls {@link #follow} has completed. */
  long polls() {
    return polls.get();
  }

  private void poll(EndOffsetFollower f) {
    try {
      pollOnce(f);
    } finally {
      polls.incrementAndGet();
    }
  }

  private void pollOnce(EndOffsetFollower f) {
    Map<String, SortedMap<Integer, Long>> followed = new HashMap<>();
    for (String topic : topics) {
      Optional<Map<Integer, Long>> ends = f.endOffsets(topic);
      if (ends.isEmpty()) {
        String why = f.whyNotVouchedFor(topic).orElse("it lost track meanwhile");
        if (slowPathReason.isEmpty()) {
          LOG.info(
              "reading the lag of {} through the admin client: the end-offset follower cannot"
                  + " vouch for it, as {}",
              settings.targets(),
              why);
        } else {
          LOG.debug("still reading through the admin client: {}", why);
        }
        slowPathReason = Optional.of(why);
        assemble(fetchAll());
        return;
      }
      followed.put(topic, new TreeMap<>(ends.get()));
    }
    if (slowPathReason.isPresent()) {
      LOG.info("following the end offsets of {} again", settings.targets());
      slowPathReason = Optional.empty();
    }
    assemble(fetchCommitted(followed));
  }

  /**
   * The readings as of now while following, without I/O: the end offsets the follower saw last and
   * the committed offsets of the last poll; a target the last poll could not read stays stale.
   * Empty before the first poll.
   */
  synchronized List<BacklogReading> current() {
    if (bases.isEmpty()) {
      return List.of();
    }
    Instant at = clock.now();
    List<BacklogReading> out = new ArrayList<>(bases.size());
    for (Map.Entry<LagTarget, Base> e : bases.entrySet()) {
      LagTarget t = e.getKey();
      Optional<Counted> counted = e.getValue().counted();
      if (counted.isEmpty()) {
        out.add(e.getValue().reading());
        continue;
      }
      SortedMap<Integer, Long> ends = new TreeMap<>();
      counted
          .get()
          .ends()
          .forEach(
              (p, end) ->
                  ends.put(p, follower.endOffset(new TopicPartition(t.topic(), p)).orElse(end)));
      out.add(calculator.recompute(t, at, ends, counted.get().commits(), counted.get().unknown()));
    }
    return out;
  }

  /** Stops following (if it did) and closes the clients, waiting at most the request timeout. */
  @Override
  public void close() {
    EndOffsetFollower f;
    ScheduledExecutorService p;
    synchronized (this) {
      f = follower;
      p = poller;
    }
    if (p != null) {
      p.shutdownNow();
      try {
        p.awaitTermination(settings.requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (f != null) {
      f.close();
    }
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
