package io.ecokube.examples.kafka;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.time.Clock;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.kafka.lag.KafkaLagSource;
import io.ecokube.sim.Job;
import io.ecokube.sim.JobQueue;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A simulator {@link JobQueue} backed by a real Kafka topic, so a simulated scenario (virtual time,
 * simulated nodes) reads the true consumer lag from a real broker. An offered job is produced to
 * the topic; a polled job is consumed by the workers' consumer group; an acknowledged job's offset
 * is committed (per partition, only up to the lowest job still in progress, as Kafka consumers
 * commit), so the {@link #backlog(Instant)} that {@link KafkaLagSource} reads counts every job
 * waiting or in progress. Not thread-safe: the simulator is single-threaded.
 */
public final class KafkaJobQueue implements JobQueue, AutoCloseable {
  private final String topic;
  private final String group;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaLagSource lag;
  private final Deque<Delivered> fetched = new ArrayDeque<>();
  private final Map<String, Delivered> inProgress = new HashMap<>();
  private final Map<Integer, Long> nextCommit = new HashMap<>();
  private final Map<Integer, TreeSet<Long>> acknowledgedAhead = new HashMap<>();
  private long produced;
  private long consumed;
  private boolean changed = true;
  private BacklogReading lastReading;

  private record Delivered(Job job, int partition, long offset) {}

  private KafkaJobQueue(String bootstrapServers, String topic, String group) {
    this.topic = topic;
    this.group = group;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer());
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer());
    this.lag =
        KafkaLagSource.create(
            KafkaLagSettings.builder(bootstrapServers).target(topic, group).build(),
            Clock.system());
  }

  /**
   * Creates the topic on the embedded broker, commits the group at its start (the workers existed
   * before, caught up) and connects.
   */
  public static KafkaJobQueue create(
      EmbeddedKafkaBroker broker, String topic, String group, int partitions) {
    broker.createTopic(topic, partitions);
    broker.initGroup(group, topic, partitions);
    KafkaJobQueue q = new KafkaJobQueue(broker.bootstrapServers(), topic, group);
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(new TopicPartition(topic, p));
      q.nextCommit.put(p, 0L);
    }
    // One consumer plays every worker pod; assigning skips group rebalances.
    q.consumer.assign(all);
    return q;
  }

  @Override
  public void offer(Job job) {
    String value =
        job.id() + "\n" + job.arrival().toEpochMilli() + "\n" + job.duration().toMillis();
    try {
      RecordMetadata md =
          producer.send(new ProducerRecord<>(topic, job.id(), value)).get(30, TimeUnit.SECONDS);
      if (md.offset() < 0) {
        throw new IllegalStateException("broker gave no offset for " + job.id());
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "producing " + job.id() + " to " + topic + " failed: " + e, e);
    }
    produced++;
    changed = true;
  }

  @Override
  public Optional<Job> poll() {
    if (fetched.isEmpty() && consumed < produced) {
      // Every record was produced through offer(), so one is there to fetch: wait for it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fetched.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          fetched.addLast(new Delivered(decode(r.value()), r.partition(), r.offset()));
          consumed++;
        }
      }
    }
    Delivered d = fetched.pollFirst();
    if (d == null) {
      return Optional.empty();
    }
    inProgress.put(d.job().id(), d);
    return Optional.of(d.job());
  }

  @Override
  public void acknowledge(Job job) {
    Delivered d = inProgress.remove(job.id());
    if (d == null) {
      return;
    }
    TreeSet<Long> ahead = acknowledgedAhead.computeIfAbsent(d.partition(), p -> new TreeSet<>());
    ahead.add(d.offset());
    long next = nextCommit.getOrDefault(d.partition(), 0L);
    long before = next;
    while (ahead.remove(next)) {
      next++;
    }
    if (next != before) {
      nextCommit.put(d.partition(), next);
      consumer.commitSync(
          Map.of(new TopicPartition(topic, d.partition()), new OffsetAndMetadata(next)));
      changed = true;
    }
  }

  @Override
  public void redeliver(Job job) {
    Delivered d = inProgress.remove(job.id());
    if (d != null) {
      fetched.addFirst(d);
    }
  }

  /**
   * The consumer lag read from the broker, stamped with the simulator's {@code now}. It is read
   * again only after something was produced or committed, so virtual time runs fast while the queue
   * is idle.
   */
  @Override
  public BacklogReading backlog(Instant now) {
    if (changed || lastReading == null || lastReading.stale()) {
      lastReading =
          lag.read().stream()
              .filter(r -> r.topic().equals(topic) && r.group().equals(group))
              .findFirst()
              .orElseThrow();
      changed = false;
    }
    BacklogReading r = lastReading;
    return new BacklogReading(
        r.group(),
        r.topic(),
        now,
        r.partitions(),
        r.totalLag(),
        r.producedRecords(),
        r.staleReason());
  }

  private Job decode(String value) {
    String[] f = value.split("\n", -1);
    if (f.length != 3) {
      throw new IllegalStateException("record on " + topic + " is not a job: " + value);
    }
    return Job.queued(
        f[0],
        topic,
        Instant.ofEpochMilli(Long.parseLong(f[1])),
        Duration.ofMillis(Long.parseLong(f[2])));
  }

  /** Closes the Kafka clients. */
  @Override
  public void close() {
    lag.close();
    consumer.close();
    producer.close();
  }
}
