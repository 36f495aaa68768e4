package io.ecokube.redis.bench;

import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.redis.RedisScaleEventSettings;
import io.ecokube.redis.RedisScaleEventSource;
import io.ecokube.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Events per second and latency from {@code XADD} to the handler having the event, through {@link
 * RedisScaleEventSource} against a real redis-server on loopback, with its append-only file synced
 * on every write ({@code appendfsync always}: an acknowledged XADD is on disk) and then once a
 * second (Redis' default). Each event carries its send time ({@code System.nanoTime()}) as an extra
 * field; the handler (behind the shared de-duplication) records now minus that. Two loads:
 *
 * <ul>
 *   <li>burst: N events pipelined as fast as one connection takes them; throughput is N over the
 *       time from the first XADD to the last event handled, and the latency includes queueing;
 *   <li>paced: events at a fixed rate well below capacity; the latency is the path's own.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -q -Dquick -pl ecokube-redis test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.ecokube.redis.bench.RedisScaleEventBench
 * [-Dexec.args="BURST RATE SECONDS"]} (defaults 20000 1000 10).
 */
public final class RedisScaleEventBench {
  private static final String STREAM = "bench:events";

  private RedisScaleEventBench() {}

  /** Runs both loads and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    System.out.println(
        "| load | appendfsync | batchSize | events | events/s | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    for (String fsync : new String[] {"always", "everysec"}) {
      bench(fsync, burst, rate, seconds);
    }
  }

  private static void bench(String fsync, int burst, int rate, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("redis-bench");
    // The later --appendfsync wins over the harness's "always".
    try (RedisServer server = RedisServer.start(dir, List.of("--appendfsync", fsync))) {
      RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        RedisAsyncCommands<String, String> redis = c.async();
        int run = 0;
        // A warm-up run first, so the JIT and the connections are warm for the measured ones.
        for (int batch : new int[] {64, 16, 64, 256}) {
          Result r = run(server, redis, "burst", burst, 0, batch, run++);
          if (run > 1) {
            r.print(fsync);
          }
        }
        run(server, redis, "paced", rate * seconds, rate, 64, run++).print(fsync);
      } finally {
        client.shutdown();
      }
    }
  }

  private record Result(String load, int batch, int events, double perSecond, double[] sortedMs) {
    void print(String fsync) {
      System.out.printf(
          "| %s | %s | %d | %d | %.0f | %.2f | %.2f | %.2f |%n",
          load,
          fsync,
          batch,
          events,
          perSecond,
          pct(sortedMs, 50),
          pct(sortedMs, 99),
          sortedMs[sortedMs.length - 1]);
    }
  }

  private static Result run(
      RedisServer server,
      RedisAsyncCommands<String, String> redis,
      String load,
      int events,
      int rate,
      int batch,
      int run)
      throws Exception {
    String stream = STREAM + ":" + run;
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
    RedisScaleEventSettings settings =
        RedisScaleEventSettings.builder("127.0.0.1", server.port()).stream(stream)
            .consumer("bench")
            .batchSize(batch)
            .decoder(ScaleEventDecoder.strict().withDefaultWorkload("bench").withMaxPodCount(10))
            .build();
    try (RedisScaleEventSource source =
        RedisScaleEventSource.start(
            settings, handler, SecretResolver.inMemory(java.util.Map.of()), Clock.system())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!source.status().connected()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("source did not connect: " + source.status());
        }
        Thread.onSpinWait();
      }
      List<RedisFuture<String>> pending = new ArrayList<>();
      long start = System.nanoTime();
      long interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
      for (int i = 0; i < events; i++) {
        if (interval > 0) {
          long due = start + i * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        pending.add(
            redis.xadd(
                stream,
                "type",
                "scale_up",
                "pod_count",
                "1",
                "task_id",
                "t-" + run + "-" + i,
                "sent_ns",
                Long.toString(System.nanoTime())));
        if (pending.size() >= 1000) {
          for (RedisFuture<String> f : pending) {
            f.get(30, TimeUnit.SECONDS);
          }
          pending.clear();
        }
      }
      for (RedisFuture<String> f : pending) {
        f.get(30, TimeUnit.SECONDS);
      }
      if (!done.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + handled.get() + " of " + events + " handled");
      }
      double seconds = (lastAt[0] - start) / 1e9;
      Arrays.sort(ms);
      return new Result(
          load + (rate > 0 ? " " + rate + "/s" : ""), batch, events, events / seconds, ms);
    }
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
