package io.ecokube.kafka.bench;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.time.Clock;
import io.ecokube.kafka.lag.BacklogPoller;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.kafka.lag.KafkaLagSource;
import io.ecokube.kafka.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Benchmarks against a real embedded KRaft broker, printing Markdown tables:
 *
 * <ol>
 *   <li>reaction latency: from a produce call (start of {@code send}) to the first poll of the lag
 *       source whose reading shows the backlog (totalLag > 0), through {@link BacklogPoller} with
 *       the default settings (1 s poll, 250 ms idle probe), and with the probe off for comparison.
 *       Each trial starts from zero lag at a random phase of the poll cycle;
 *   <li>the cost of one {@link KafkaLagSource#read()} for topics of 10 and 1,000 partitions.
 * </ol>
 *
 * <p>Run: {@code mvn -B -q -Dquick -pl ecokube-kafka test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.ecokube.kafka.bench.LagBench [-Dexec.args=TRIALS]}
 */
public final class LagBench {
  private static final String GROUP = "bench-workers";

  private LagBench() {}

  /** Runs the benchmarks; the optional argument is the number of latency trials (100). */
  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Admin admin = Admin.create(kafka.adminProperties());
        KafkaProducer<String, String> producer = kafka.producer()) {
      System.out.println(
          "## Reaction latency: produce -> lag seen by the source (" + trials + " trials)");
      System.out.println();
      System.out.println("| settings | p50 ms | p95 ms | p99 ms | max ms |");
      System.out.println("|---|---|---|---|---|");
      for (boolean probe : new boolean[] {true, false}) {
        String topic = "react-" + probe;
        kafka.createTopic(topic, 10);
        commitToEnd(admin, topic, 10);
        List<Double> ms =
            reaction(
                kafka,
                admin,
                producer,
                topic,
                KafkaLagSettings.DEFAULT_POLL_INTERVAL,
                probe,
                trials);
        System.out.printf(
            "| %s | %.0f | %.0f | %.0f | %.0f |%n",
            probe ? "defaults: poll 1 s, idle probe 250 ms" : "poll 1 s, idle probe off",
            pct(ms, 50),
            pct(ms, 95),
            pct(ms, 99),
            ms.get(ms.size() - 1));
      }
      System.out.println();
      System.out.println("## Cost of one lag poll (4 batched admin requests)");
      System.out.println();
      System.out.println("| partitions | polls | p50 ms | p95 ms | max ms |");
      System.out.println("|---|---|---|---|---|");
      for (int partitions : new int[] {10, 1000}) {
        String topic = "cost-" + partitions;
        kafka.createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
          producer.send(new ProducerRecord<>(topic, p, "k", "v"));
        }
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int p = 0; p < partitions; p += 2) {
          commits.put(new TopicPartition(topic, p), new OffsetAndMetadata(1));
        }
        admin.alterConsumerGroupOffsets(GROUP, commits).all().get(60, TimeUnit.SECONDS);
        List<Double> ms = pollCost(kafka, topic, partitions);
        System.out.printf(
            "| %d | %d | %.1f | %.1f | %.1f |%n",
            partitions, ms.size(), pct(ms, 50), pct(ms, 95), ms.get(ms.size() - 1));
      }
    }
  }

  private static List<Double> reaction(
      EmbeddedKafka kafka,
      Admin admin,
      KafkaProducer<String, String> producer,
      String topic,
      Duration interval,
      boolean probe,
      int trials)
      throws Exception {
    Object lock = new Object();
    AtomicReference<BacklogReading> last = new AtomicReference<>();
    long[] seenAt = {0};
    KafkaLagSettings.Builder builder =
        KafkaLagSettings.builder(kafka.bootstrapServers())
            .target(topic, GROUP)
            .pollInterval(interval);
    if (!probe) {
      builder.idleProbeInterval(interval); // equal to the poll interval: no probing
    }
    KafkaLagSettings settings = builder.build();
    List<Double> ms = new ArrayList<>();
    Random random = new Random(42);
    try (BacklogPoller poller =
        BacklogPoller.forKafka(
            topic,
            KafkaLagSource.create(settings, Clock.system()),
            readings -> {
              long now = System.nanoTime();
              synchronized (lock) {
                BacklogReading r = readings.get(0);
                if (r.totalLag() > 0 && seenAt[0] == 0) {
                  seenAt[0] = now;
                }
                last.set(r);
                lock.notifyAll();
              }
            })) {
      for (int i = 0; i < trials + 3; i++) {
        synchronized (lock) {
          while (last.get() == null || last.get().stale() || last.get().totalLag() != 0) {
            lock.wait(5_000);
          }
          seenAt[0] = 0;
        }
        // A random phase of the poll cycle, as a real upload would arrive.
        TimeUnit.MILLISECONDS.sleep(random.nextInt((int) interval.toMillis()));
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, i % 10, "k", "upload-" + i)).get();
        long seen;
        synchronized (lock) {
          while (seenAt[0] == 0) {
            lock.wait(5_000);
          }
          seen = seenAt[0];
        }
        if (i >= 3) { // the first trials warm up the clients
          ms.add((seen - start) / 1e6);
        }
        commitToEnd(admin, topic, 10);
      }
    }
    Collections.sort(ms);
    return ms;
  }

  private static List<Double> pollCost(EmbeddedKafka kafka, String topic, int partitions) {
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

  private static void commitToEnd(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    ends.forEach((tp, info) -> commits.put(tp, new OffsetAndMetadata(info.offset())));
    admin.alterConsumerGroupOffsets(GROUP, commits).all().get(30, TimeUnit.SECONDS);
  }

  private static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
