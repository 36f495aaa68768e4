package io.ecokube.kafka.bench;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.time.Clock;
import io.ecokube.kafka.lag.BacklogPoller;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.kafka.lag.KafkaLagSource;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmarks against a real embedded KRaft broker, printing Markdown tables:
 *
 * <ol>
 *   <li>reaction latency: from a produce call (start of {@code send}) to the first reading handed
 *       to the listener of {@link BacklogPoller#forKafka} (default settings) whose partition shows
 *       the record, at 10 and 1,000 partitions, on an idle topic and under a produce load of 10,000
 *       records/s on the same topic (keyless, so the producer's partitioner spreads batches over
 *       all partitions, linger 5 ms); each trial waits a random part of the poll interval first.
 *       The last column is the source's admin requests per second over the run. For comparison, the
 *       same with {@link KafkaLagSource#read()} on the 1 s timer;
 *   <li>admin requests per second on a steady backlog (nothing produced or committed);
 *   <li>the cost of one {@link KafkaLagSource#read()} for topics of 10 and 1,000 partitions.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -B -q -o -Dquick -pl ecokube-kafka test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.ecokube.kafka.bench.LagBench [-Dexec.args=TRIALS]}
 */
public final class LagBench {
  private static final String GROUP = "bench-workers";
  private static final int LOAD_PER_SECOND = 10_000;

  private LagBench() {}

  /** Runs the benchmarks; the optional argument is the number of latency trials (100). */
  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        Admin admin = Admin.create(kafka.adminProperties());
        KafkaProducer<String, String> producer = kafka.producer()) {
      System.out.println(
          "## Reaction latency: produce -> reading handed to the listener (" + trials + " trials)");
      System.out.println();
      System.out.println(
          "| partitions | other produce load | path | p50 ms | p95 ms | p99 ms | max ms | admin"
              + " requests/s |");
      System.out.println("|---:|---|---|---:|---:|---:|---:|---:|");
      for (int partitions : new int[] {10, 1000}) {
        for (boolean load : new boolean[] {false, true}) {
          String topic = "react-" + partitions + (load ? "-load" : "");
          kafka.createTopic(topic, partitions);
          commitAll(admin, topic, partitions, 0);
          reaction(kafka, producer, topic, partitions, load, true, trials);
        }
      }
      String topic = "react-timer";
      kafka.createTopic(topic, 10);
      commitAll(admin, topic, 10, 0);
      reaction(kafka, producer, topic, 10, false, false, Math.max(10, trials / 3));

      System.out.println();
      System.out.println("## Admin requests on a steady backlog (20 s, nothing produced)");
      System.out.println();
      System.out.println("| partitions | seconds | admin requests | admin requests/s |");
      System.out.println("|---:|---:|---:|---:|");
      for (int partitions : new int[] {10, 1000}) {
        steady(kafka, admin, producer, partitions);
      }

      System.out.println();
      System.out.println("## Cost of one KafkaLagSource.read() (4 batched admin requests)");
      System.out.println();
      System.out.println("| partitions | reads | p50 ms | p95 ms | max ms |");
      System.out.println("|---:|---:|---:|---:|---:|");
      for (int partitions : new int[] {10, 1000}) {
        String t = "cost-" + partitions;
        kafka.createTopic(t, partitions);
        for (int p = 0; p < partitions; p++) {
          producer.send(new ProducerRecord<>(t, p, "k", "v"));
        }
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int p = 0; p < partitions; p += 2) {
          commits.put(new TopicPartition(t, p), new OffsetAndMetadata(1));
        }
        admin.alterConsumerGroupOffsets(GROUP, commits).all().get(60, TimeUnit.SECONDS);
        List<Double> ms = readCost(kafka, t, partitions);
        System.out.printf(
            "| %d | %d | %.1f | %.1f | %.1f |%n",
            partitions, ms.size(), pct(ms, 50), pct(ms, 95), ms.get(ms.size() - 1));
      }
    }
  }

  /** Per trial: the end offset of the watched partition in each reading, with its arrival time. */
  private static final class Watch {
    private volatile int partition = -1;
    private final List<long[]> seen = new ArrayList<>();

    synchronized void start(int p) {
      seen.clear();
      partition = p;
    }

    void offer(List<BacklogReading> readings) {
      int p = partition;
      BacklogReading r = readings.get(0);
      if (p < 0 || r.stale() || r.partitionCount() <= p) {
        return;
      }
      long now = System.nanoTime();
      long end = r.partitions().get(p).logEndOffset();
      synchronized (this) {
        seen.add(new long[] {now, end});
        notifyAll();
      }
    }

    /** When a reading first showed the record at {@code offset}; waits for it up to 10 s. */
    synchronized long shownAt(long offset) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int checked = 0;
      while (true) {
        for (; checked < seen.size(); checked++) {
          if (seen.get(checked)[1] > offset) {
            long at = seen.get(checked)[0];
            partition = -1;
            return at;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no reading showed offset " + offset + " within 10 s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  private static void reaction(
      EmbeddedKafkaBroker kafka,
      KafkaProducer<String, String> producer,
      String topic,
      int partitions,
      boolean load,
      boolean follow,
      int trials)
      throws Exception {
    KafkaLagSettings settings =
        KafkaLagSettings.builder(kafka.bootstrapServers()).target(topic, GROUP).build();
    KafkaLagSource source = KafkaLagSource.create(settings, Clock.system());
    Watch watch = new Watch();
    List<Double> ms = new ArrayList<>();
    Random random = new Random(42);
    AtomicBoolean loading = new AtomicBoolean(load);
    AtomicLong loadSent = new AtomicLong();
    Thread loader = new Thread(() -> produceLoad(kafka, topic, loading, loadSent));
    long requestsBefore;
    long startNanos;
    try (BacklogPoller poller =
        follow
            ? BacklogPoller.forKafka(topic, source, watch::offer)
            : new BacklogPoller(topic, source, settings.pollInterval(), watch::offer)) {
      // Bench setup: the first poll, and (following) the follower on the fast path.
      while (poller.latest().isEmpty()
          || poller.latest().get(0).stale()
          || (follow && !source.followsEndOffsets())) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      if (load) {
        loader.start();
      }
      requestsBefore = source.adminRequests();
      startNanos = System.nanoTime();
      for (int i = 0; i < trials + 3; i++) {
        // A random phase of the poll cycle, as a real upload would arrive.
        TimeUnit.MILLISECONDS.sleep(random.nextInt((int) settings.pollInterval().toMillis()));
        int p = i % partitions;
        watch.start(p);
        long start = System.nanoTime();
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, p, "k", "upload-" + i)).get();
        long shown = watch.shownAt(md.offset());
        if (i >= 3) { // the first trials warm up the clients
          ms.add((shown - start) / 1e6);
        }
      }
    } finally {
      loading.set(false);
      if (load) {
        loader.join();
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double perSecond = (source.adminRequests() - requestsBefore) / seconds;
    Collections.sort(ms);
    String loadText = load ? String.format("%,.0f records/s", loadSent.get() / seconds) : "none";
    System.out.printf(
        "| %,d | %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
        partitions,
        loadText,
        follow ? "`forKafka`, defaults" : "`read()` every 1 s",
        pct(ms, 50),
        pct(ms, 95),
        pct(ms, 99),
        ms.get(ms.size() - 1),
        perSecond);
  }

  /** Produces {@link #LOAD_PER_SECOND} records/s over the topic's partitions until told to stop. */
  private static void produceLoad(
      EmbeddedKafkaBroker kafka, String topic, AtomicBoolean on, AtomicLong sent) {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "1",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> p = new KafkaProducer<>(cfg)) {
      long slice = TimeUnit.MILLISECONDS.toNanos(10);
      int perSlice = LOAD_PER_SECOND / 100;
      long next = System.nanoTime();
      while (on.get()) {
        for (int i = 0; i < perSlice; i++) {
          // No key: the producer's own partitioner fills a batch for one partition, then moves on.
          p.send(new ProducerRecord<>(topic, "payload-of-a-load-record-" + i));
        }
        sent.addAndGet(perSlice);
        next += slice;
        LockSupport.parkNanos(next - System.nanoTime()); // pacing, not synchronisation
      }
    }
  }

  private static void steady(
      EmbeddedKafkaBroker kafka,
      Admin admin,
      KafkaProducer<String, String> producer,
      int partitions)
      throws Exception {
    String topic = "steady-" + partitions;
    kafka.createTopic(topic, partitions);
    for (int p = 0; p < partitions; p++) {
      producer.send(new ProducerRecord<>(topic, p, "k", "v"));
      producer.send(new ProducerRecord<>(topic, p, "k", "v"));
    }
    producer.flush();
    commitAll(admin, topic, partitions, 1);
    KafkaLagSettings settings =
        KafkaLagSettings.builder(kafka.bootstrapServers()).target(topic, GROUP).build();
    KafkaLagSource source = KafkaLagSource.create(settings, Clock.system());
    try (BacklogPoller poller = BacklogPoller.forKafka(topic, source, r -> {})) {
      // Let the first polls pass: they read everything while the follower has not seen the topic.
      while (!source.followsEndOffsets()) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      TimeUnit.MILLISECONDS.sleep(1500);
      if (poller.latest().get(0).totalLag() != partitions) {
        throw new IllegalStateException("unexpected reading: " + poller.latest());
      }
      long requests = source.adminRequests();
      long start = System.nanoTime();
      TimeUnit.SECONDS.sleep(20);
      double seconds = (System.nanoTime() - start) / 1e9;
      long sent = source.adminRequests() - requests;
      System.out.printf("| %,d | %.0f | %d | %.2f |%n", partitions, seconds, sent, sent / seconds);
    }
  }

  private static List<Double> readCost(EmbeddedKafkaBroker kafka, String topic, int partitions) {
    KafkaLagSettings settings =
        KafkaLagSettings.builder(kafka.bootstrapServers()).target(topic, GROUP).build();
    List<Double> ms = new ArrayList<>();
    try (KafkaLagSource src = KafkaLagSource.create(settings, Clock.system())) {
      for (int i = 0; i < 60; i++) {
        long start = System.nanoTime();
        BacklogReading r = src.read().get(0);
        double took = (System.nanoTime() - start) / 1e6;
        if (r.stale() || r.partitionCount() != partitions || r.totalLag() != partitions / 2) {
          throw new IllegalStateException("unexpected reading: " + r);
        }
        if (i >= 10) {
          ms.add(took);
        }
      }
    }
    Collections.sort(ms);
    return ms;
  }

  private static void commitAll(Admin admin, String topic, int partitions, long offset)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      commits.put(new TopicPartition(topic, p), new OffsetAndMetadata(offset));
    }
    admin.alterConsumerGroupOffsets(GROUP, commits).all().get(60, TimeUnit.SECONDS);
  }

  private static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
