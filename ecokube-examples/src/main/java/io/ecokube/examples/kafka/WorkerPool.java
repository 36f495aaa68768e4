package io.ecokube.examples.kafka;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Eco-Worker pods of the demo as real Kafka consumers in one consumer group, each on its own
 * named thread ({@code eco-worker-N}). A worker takes one upload at a time, "transcodes" it for a
 * fixed time, and commits its offset only then, so the lag the engine reads is the true backlog.
 * The pool is the {@link WorkloadScaler} the workload autoscaler drives: scaling starts or stops
 * workers.
 */
public final class WorkerPool implements WorkloadScaler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  private final WorkloadRef workload;
  private final String bootstrapServers;
  private final String topic;
  private final String group;
  private final Duration perUpload;
  private final Deque<Worker> workers = new ArrayDeque<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final AtomicLong transcoded = new AtomicLong();

  /**
   * @param workload the workload this pool stands for
   * @param perUpload how long one upload takes to "transcode"
   */
  public WorkerPool(
      WorkloadRef workload,
      String bootstrapServers,
      String topic,
      String group,
      Duration perUpload) {
    this.workload = Objects.requireNonNull(workload, "workload");
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.group = Objects.requireNonNull(group, "group");
    this.perUpload = Objects.requireNonNull(perUpload, "perUpload");
  }

  @Override
  public synchronized void scale(WorkloadRef ref, int replicas) {
    requireMine(ref);
    while (workers.size() < replicas) {
      Worker w = new Worker("eco-worker-" + nextId.getAndIncrement());
      workers.addLast(w);
      w.thread.start();
    }
    while (workers.size() > replicas) {
      workers.removeLast().stop();
    }
  }

  @Override
  public synchronized OptionalInt replicas(WorkloadRef ref) {
    requireMine(ref);
    return OptionalInt.of(workers.size());
  }

  /** Uploads transcoded and committed so far. */
  public long transcoded() {
    return transcoded.get();
  }

  private void requireMine(WorkloadRef ref) {
    if (!workload.equals(ref)) {
      throw new IllegalArgumentException("this worker pool runs " + workload + ", not " + ref);
    }
  }

  /** Stops every worker. */
  @Override
  public synchronized void close() {
    while (!workers.isEmpty()) {
      workers.removeLast().stop();
    }
  }

  private final class Worker {
    final Thread thread;
    final KafkaConsumer<String, String> consumer;
    final CountDownLatch stop = new CountDownLatch(1);

    Worker(String name) {
      Map<String, Object> cfg =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              bootstrapServers,
              ConsumerConfig.GROUP_ID_CONFIG,
              group,
              // KIP-848 rebalancing: workers join and leave without stopping the others
              ConsumerConfig.GROUP_PROTOCOL_CONFIG,
              "consumer",
              ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
              false,
              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
              "earliest",
              ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
              1,
              ConsumerConfig.CLIENT_ID_CONFIG,
              name);
      this.consumer = new KafkaConsumer<>(cfg, new StringDeserializer(), new StringDeserializer());
      this.thread = new Thread(this::run, name);
      this.thread.setDaemon(true);
    }

    void run() {
      try {
        consumer.subscribe(List.of(topic));
        LOG.info("{} started", thread.getName());
        while (stop.getCount() > 0) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            // The transcoding itself: the worker is busy for this long per upload.
            if (stop.await(perUpload.toMillis(), TimeUnit.MILLISECONDS)) {
              return; // not committed: another worker gets this upload
            }
            consumer.commitSync(
                Map.of(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1)));
            transcoded.incrementAndGet();
          }
        }
      } catch (WakeupException | InterruptedException e) {
        // stopping
      } catch (RuntimeException e) {
        LOG.error("{} failed: {}", thread.getName(), e.toString());
      } finally {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        LOG.info("{} stopped", thread.getName());
      }
    }

    void stop() {
      stop.countDown();
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
