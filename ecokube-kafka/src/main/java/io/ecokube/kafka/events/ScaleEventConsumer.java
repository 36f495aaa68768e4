package io.ecokube.kafka.events;

import io.ecokube.api.demand.DeadLetterLog;
import io.ecokube.api.demand.MalformedScaleEventException;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.time.StoppableSleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes explicit scale events from a topic in a consumer group and hands them to a {@link
 * ScaleEventHandler}, on one named thread ({@code ecokube-scale-events-<topic>}).
 *
 * <p>Delivery is at least once: a record's offset is committed only after the handler returned for
 * it, once per partition and poll, so a crash redelivers at most one poll's records (wrap the
 * handler in a {@link io.ecokube.api.demand.DeduplicatingScaleEventHandler}, shared with the Redis
 * source, to make that harmless). Records decode through the same {@link
 * io.ecokube.api.demand.ScaleEventDecoder} as Redis Streams entries (see {@link ScaleEventCodec}).
 *
 * <p>Bad input never stops the stream and is never dropped: a record that is not a valid event (the
 * reason names the field), or that the handler rejects, is logged with its partition, offset and
 * the reason, sent to the dead-letter topic, and skipped. A handler that throws gets the same event
 * again after a backoff, up to {@code maxAttempts} times. The dead-letter topic must exist when the
 * consumer starts ({@link #start} fails and says so otherwise); a record that cannot be sent to it
 * within {@code maxAttempts}, or any bad record when no dead-letter topic is configured, is kept in
 * the bounded {@link #deadLetterLog()} so the stream moves on.
 */
public final class ScaleEventConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleEventConsumer.class);

  /** Header on a dead-lettered record: why it was not handled. */
  public static final String HEADER_REASON = "ecokube.dlt.reason";

  /** Header on a dead-lettered record: topic-partition@offset it came from. */
  public static final String HEADER_ORIGIN = "ecokube.dlt.origin";

  private final ScaleEventConsumerSettings settings;
  private final ScaleEventHandler handler;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> deadLetters;
  private final ScaleEventCodec codec;
  private final DeadLetterLog deadLetterLog;
  private final Thread thread;
  // Retry waits on the consumer thread; close() ends them at once.
  private final StoppableSleeper stopping = new StoppableSleeper();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong handlerFailures = new AtomicLong();
  private volatile boolean running = true;

  /** How many events met which fate so far. */
  public record Counts(
      long accepted,
      long duplicates,
      long rejected,
      long malformed,
      long deadLettered,
      long handlerFailures) {}

  private ScaleEventConsumer(
      ScaleEventConsumerSettings settings, ScaleEventHandler handler, DeadLetterLog deadLetterLog) {
    this.settings = settings;
    this.handler = handler;
    this.codec = new ScaleEventCodec(settings.decoder());
    this.deadLetterLog = deadLetterLog;
    Properties c = new Properties();
    c.putAll(settings.clientProperties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    // A new group must see the events that woke it, not only those produced after it joined.
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ecokube-scale-events-" + settings.groupId());
    this.consumer = new KafkaConsumer<>(c);
    if (settings.deadLetterTopic().isPresent()) {
      Properties p = new Properties();
      p.putAll(settings.clientProperties());
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
      // A send must fail in bounded time, so that maxAttempts bounds the stall on one record.
      p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
      this.deadLetters = new KafkaProducer<>(p);
    } else {
      this.deadLetters = null;
    }
    this.thread = new Thread(this::run, "ecokube-scale-events-" + settings.topic());
    this.thread.setDaemon(true);
  }

  /** How long {@link #start} waits for the brokers to describe the dead-letter topic. */
  public static final Duration DEAD_LETTER_CHECK_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Checks that the dead-letter topic exists, creates the clients and starts consuming.
   *
   * @throws IllegalStateException when the dead-letter topic does not exist or cannot be described;
   *     the message names the topic and how to fix it
   */
  public static ScaleEventConsumer start(
      ScaleEventConsumerSettings settings, ScaleEventHandler handler) {
    return start(settings, handler, DeadLetterLog.withDefaults());
  }

  /** As {@link #start(ScaleEventConsumerSettings, ScaleEventHandler)}, with a given log. */
  public static ScaleEventConsumer start(
      ScaleEventConsumerSettings settings, ScaleEventHandler handler, DeadLetterLog deadLetterLog) {
    Objects.requireNonNull(settings, "settings");
    settings.deadLetterTopic().ifPresent(topic -> requireTopic(settings, topic));
    ScaleEventConsumer c =
        new ScaleEventConsumer(
            settings,
            Objects.requireNonNull(handler, "handler"),
            Objects.requireNonNull(deadLetterLog, "deadLetterLog"));
    c.thread.start();
    return c;
  }

  /**
   * Without this check a missing topic makes every dead-letter send time out, and the stream behind
   * the bad record stalls.
   */
  private static void requireTopic(ScaleEventConsumerSettings settings, String topic) {
    Properties p = new Properties();
    p.putAll(settings.clientProperties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(DEAD_LETTER_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "scale events: dead-letter topic "
                + topic
                + " does not exist on "
                + settings.bootstrapServers()
                + "; create it (kafka-topics.sh --create --topic "
                + topic
                + ") or remove deadLetterTopic from the settings");
      }
      throw new IllegalStateException(
          "scale events: cannot check that dead-letter topic "
              + topic
              + " exists on "
              + settings.bootstrapServers()
              + ": "
              + e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "scale events: the brokers "
              + settings.bootstrapServers()
              + " did not describe dead-letter topic "
              + topic
              + " within "
              + DEAD_LETTER_CHECK_TIMEOUT
              + "; check that they are reachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking dead-letter topic " + topic);
    }
  }

  /** Bad records that could not be put in the dead-letter topic (or there is none). */
  public DeadLetterLog deadLetterLog() {
    return deadLetterLog;
  }

  /** Counts so far. */
  public Counts counts() {
    return new Counts(
        accepted.get(),
        duplicates.get(),
        rejected.get(),
        malformed.get(),
        deadLettered.get(),
        handlerFailures.get());
  }

  private void run() {
    try {
      consumer.subscribe(List.of(settings.topic()));
      while (running) {
        try {
          processBatch(consumer.poll(settings.pollTimeout()));
        } catch (WakeupException e) {
          if (running) {
            LOG.warn(
                "scale-event consumer of {} woken up while running; going on", settings.topic());
          }
        } catch (RuntimeException e) {
          // A failed commit (a rebalance took the partition) or a broker error: go back to the
          // last commit so nothing handled-but-uncommitted is lost, and carry on.
          LOG.error(
              "scale-event consumer of {} failed: {}; resuming from the committed offsets in {}",
              settings.topic(),
              e.toString(),
              settings.retryBackoff());
          if (!backoff(settings.retryBackoff())) {
            break;
          }
          rewindToCommitted();
        }
      }
    } catch (RuntimeException e) {
      LOG.error("scale-event consumer of {} stopped: {}", settings.topic(), e.toString(), e);
    } finally {
      closeQuietly();
    }
  }

  private void rewindToCommitted() {
    try {
      Set<TopicPartition> assigned = consumer.assignment();
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
      for (TopicPartition tp : assigned) {
        OffsetAndMetadata om = committed.get(tp);
        if (om != null) {
          consumer.seek(tp, om.offset());
        } else {
          consumer.seekToBeginning(List.of(tp));
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.warn("could not rewind {} to the committed offsets: {}", settings.topic(), e.toString());
    }
  }

  /**
   * Handles each partition's records of one poll, then commits past the handled ones in one
   * request: a commit per record cost a broker round trip per event (about 130 events/s, see
   * docs/benchmarks.md). A crash before the commit redelivers that partition's batch, which the
   * de-duplication absorbs.
   */
  private void processBatch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      long next = -1;
      boolean stopped = false;
      for (int i = 0; i < list.size() && running; i++) {
        ConsumerRecord<byte[], byte[]> record = list.get(i);
        if (!handleWithRetries(record)) {
          // Stopped while retrying: this record stays uncommitted and is redelivered.
          stopped = true;
          break;
        }
        next = record.offset() + 1;
      }
      if (next >= 0) {
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
      }
      if (stopped || !running) {
        return;
      }
    }
  }

  /** Handles one record until it is done with; false when the consumer is closing. */
  private boolean handleWithRetries(ConsumerRecord<byte[], byte[]> record) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    ScaleEvent event;
    try {
      event = codec.parse(record.value());
    } catch (MalformedScaleEventException e) {
      malformed.incrementAndGet();
      LOG.warn("skipping malformed scale event at {}: {}", where, e.getMessage());
      return deadLetter(record, where, "malformed: " + e.getMessage());
    }
    for (int attempt = 1; ; attempt++) {
      Acceptance result;
      try {
        result = handler.accept(event);
      } catch (RuntimeException e) {
        handlerFailures.incrementAndGet();
        if (attempt >= settings.maxAttempts()) {
          LOG.error(
              "scale event {} at {} failed {} times; dead-lettering and skipping it",
              event.taskId(),
              where,
              attempt,
              e);
          return deadLetter(
              record, where, "handler failed " + attempt + " times: " + e.getMessage());
        }
        LOG.warn(
            "handler failed on scale event {} at {} (attempt {} of {}): {}; retrying in {}",
            event.taskId(),
            where,
            attempt,
            settings.maxAttempts(),
            e.toString(),
            settings.retryBackoff());
        if (!backoff(settings.retryBackoff())) {
          return false;
        }
        continue;
      }
      switch (Objects.requireNonNull(result, "handler returned null")) {
        case ACCEPTED -> {
          accepted.incrementAndGet();
          LOG.info(
              "accepted {} {} x{} (task {}) from {}",
              event.type(),
              event.workload(),
              event.podCount(),
              event.taskId(),
              where);
        }
        case DUPLICATE -> {
          duplicates.incrementAndGet();
          LOG.info("duplicate scale event, task {} at {}: already handled", event.taskId(), where);
        }
        case REJECTED -> {
          rejected.incrementAndGet();
          LOG.warn(
              "scale event task {} at {} rejected by the handler; skipping", event.taskId(), where);
          return deadLetter(record, where, "rejected by the handler");
        }
      }
      return true;
    }
  }

  /**
   * Sends a record to the dead-letter topic, or keeps it in the local log when there is none or it
   * cannot be sent within maxAttempts; false when the consumer is closing.
   */
  private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, String where, String reason) {
    String payload =
        record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
    if (deadLetters == null) {
      LOG.warn("no deadLetterTopic: {} kept in the local dead-letter log ({})", where, reason);
      deadLetterLog.record(where, reason, payload, "no deadLetterTopic configured");
      return true;
    }
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(settings.deadLetterTopic().get(), record.key(), record.value());
    out.headers().add(HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
    out.headers().add(HEADER_ORIGIN, where.getBytes(StandardCharsets.UTF_8));
    for (int attempt = 1; running; attempt++) {
      try {
        deadLetters.send(out).get(30, TimeUnit.SECONDS);
        deadLettered.incrementAndGet();
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        if (attempt >= settings.maxAttempts()) {
          // Retrying for ever would stall every event behind this one; keep it locally instead.
          LOG.error(
              "could not dead-letter {} to {} in {} attempts: {}; kept in the local dead-letter log",
              where,
              settings.deadLetterTopic().get(),
              attempt,
              e.toString());
          deadLetterLog.record(where, reason, payload, e.toString());
          return true;
        }
        LOG.warn(
            "could not dead-letter {} to {} (attempt {} of {}): {}; retrying in {}",
            where,
            settings.deadLetterTopic().get(),
            attempt,
            settings.maxAttempts(),
            e.toString(),
            settings.retryBackoff());
        if (!backoff(settings.retryBackoff())) {
          return false;
        }
      }
    }
    return false;
  }

  private boolean backoff(Duration d) {
    return stopping.pause(d);
  }

  private void closeQuietly() {
    try {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.warn("closing the scale-event consumer of {} failed: {}", settings.topic(), e.toString());
    }
    if (deadLetters != null) {
      try {
        deadLetters.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing the dead-letter producer failed: {}", e.toString());
      }
    }
  }

  /** Stops consuming and waits for the thread; the event in hand, if any, is not committed. */
  @Override
  public void close() {
    running = false;
    stopping.stop();
    try {
      consumer.wakeup();
    } catch (RuntimeException e) {
      LOG.debug("wakeup of a consumer that already stopped: {}", e.toString());
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("scale-event consumer thread {} did not stop within 15 s", thread.getName());
    }
  }
}
