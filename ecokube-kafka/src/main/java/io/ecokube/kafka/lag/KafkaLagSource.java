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
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
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
  private final OffsetFetcher fetcher;
  private final Clock clock;
  private final LagCalculator calculator;
  private final Set<String> topics = new LinkedHashSet<>();
  private final Set<String> groups = new LinkedHashSet<>();
  private final Map<LagTarget, ProduceRateSeries> rates = new LinkedHashMap<>();
  private final Map<String, Integer> knownPartitionCounts = new HashMap<>();
  private final AtomicLong polls = new AtomicLong();

  // Set once by follow(); guarded by this.
  private EndOffsetFollower follower;
  private ScheduledExecutorService poller;
  private Map<LagTarget, Base> bases = Map.of();
  // Only the poll thread touches it: why the last poll read everything through the admin client.
  private Optional<String> slowPathReason = Optional.empty();

  private KafkaLagSource(KafkaLagSettings settings, Admin admin, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.calculator = new LagCalculator(settings);
    for (LagTarget t : settings.targets()) {
      topics.add(t.topic());
      groups.add(t.group());
      rates.put(t, new ProduceRateSeries(settings.pollInterval(), settings.rateHistory()));
    }
    this.fetcher = new OffsetFetcher(settings, admin, clock, topics, groups);
  }

  /** Creates the admin client; it connects lazily, so an unreachable broker shows as stale. */
  public static KafkaLagSource create(KafkaLagSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    return new KafkaLagSource(settings, OffsetFetcher.admin(settings), clock);
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
    return assemble(fetcher.fetchAll());
  }

  /** The last poll's outcome for one target, for readings between polls. */
  private record Base(BacklogReading reading, Optional<Counted> counted) {}

  /** Offsets a reading was counted from. */
  private record Counted(
      SortedMap<Integer, Long> ends, Map<Integer, Long> commits, Optional<String> unknown) {}

  /** Counts a poll with fresh committed offsets: the readings, the produce rate, the bases. */
  private synchronized List<BacklogReading> assemble(OffsetFetcher.Fetched f) {
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

  private Base count(LagTarget t, OffsetFetcher.Fetched f) {
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

  private BacklogReading stale(LagTarget t, Instant at, String reason) {
    LOG.warn("lag of {} is unknown: {}", t, reason);
    return BacklogReading.stale(t.group(), t.topic(), at, reason);
  }

  private void notePartitionCount(String topic, int count) {
    Integer before = knownPartitionCounts.put(topic, count);
    if (before != null && before != count) {
      LOG.info(
          "topic {} now has {} partitions (was {}); counting all of them", topic, count, before);
    }
  }

  /**
   * How many admin requests this source has sent so far (each one batched over all partitions or
   * all groups): four or five per {@link #read()}, one or two per poll while following.
   */
  public long adminRequests() {
    return fetcher.adminCalls();
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
        assemble(fetcher.fetchAll());
        return;
      }
      followed.put(topic, new TreeMap<>(ends.get()));
    }
    if (slowPathReason.isPresent()) {
      LOG.info("following the end offsets of {} again", settings.targets());
      slowPathReason = Optional.empty();
    }
    assemble(fetcher.fetchCommitted(followed));
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
      fetcher.close();
    } catch (RuntimeException e) {
      LOG.warn(
          "closing the lag admin client of {} failed: {}",
          settings.bootstrapServers(),
          e.toString());
    }
  }
}
