package io.ecokube.kafka.events;

import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The Kafka path beside {@code RedisScaleEventBench}: events per second and latency from the
 * produce call to the handler having the event, through {@link ScaleEventConsumer} (one partition,
 * offset committed per record) on a real embedded KRaft broker. Same loads: a burst of N events,
 * then a paced rate; each event carries its send time as an extra field.
 *
 * <p>Run: {@code ./mvnw -B -q -Dquick -pl ecokube-kafka test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.ecokube.kafka.events.ScaleEventBench
 * [-Dexec.args="BURST RATE SECONDS"]} (defaults 20000 1000 10).
 */
public final class ScaleEventBench {
  private ScaleEventBench() {}

  /** Runs both loads and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    System.out.println("| load | events | events/s | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        KafkaProducer<String, String> producer = kafka.producer()) {
      run(kafka, producer, "warm-up", burst / 5, 0);
      print("burst", run(kafka, producer, "burst", burst, 0));
      print("paced " + rate + "/s", run(kafka, producer, "paced", rate * seconds, rate));
    }
  }

  private static void print(String load, double[] r) {
    double[] ms = Arrays.copyOfRange(r, 1, r.length);
    System.out.printf(
        "| %s | %d | %.0f | %.2f | %.2f | %.2f |%n",
        load, ms.length, r[0], pct(ms, 50), pct(ms, 99), ms[ms.length - 1]);
  }

  /** Element 0: events per second; then the sorted latencies in ms. */
  private static double[] run(
      EmbeddedKafkaBroker kafka,
      KafkaProducer<String, String> producer,
      String topic,
      int events,
      int rate)
      throws Exception {
    kafka.createTopic(topic, 1);
    double[] ms = new double[events];
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    long[] lastAt = {0};
    DeduplicatingScaleEventHandler handler =
        new DeduplicatingScaleEventHandler(
            e -> {
              long now = System.nanoTime();
              int i = handled.getAndIncrement();
              ms[i] = (now - Long.parseLong(e.attributes().get("sent_ns"))) / 1e6;
              if (i == events - 1) {
                lastAt[0] = now;
                done.countDown();
              }
              return Acceptance.ACCEPTED;
            });
    try (ScaleEventConsumer consumer =
        ScaleEventConsumer.start(
            ScaleEventConsumerSettings.builder(kafka.bootstrapServers(), topic, topic + "-g")
                .decoder(ScaleEventDecoder.strict().withDefaultWorkload("bench"))
                .build(),
            handler)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      long start = System.nanoTime();
      long interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
      for (int i = 0; i < events; i++) {
        if (interval > 0) {
          long wait = start + i * interval - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        String json =
            "{\"type\":\"scale_up\",\"pod_count\":1,\"task_id\":\""
                + topic
                + "-"
                + i
                + "\",\"sent_ns\":"
                + System.nanoTime()
                + "}";
        sent.add(producer.send(new ProducerRecord<>(topic, 0, null, json)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
      if (!done.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + handled.get() + " of " + events + " handled");
      }
      Arrays.sort(ms);
      double[] out = new double[events + 1];
      out[0] = events / ((lastAt[0] - start) / 1e9);
      System.arraycopy(ms, 0, out, 1, events);
      return out;
    }
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
