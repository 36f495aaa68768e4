package io.ecokube.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.test.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis Streams scale-event source against a real redis-server, one per test. */
class RedisScaleEventSourceIT {
  static final String STREAM = "otto:scale:events";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  RedisServer server;
  RedisClient client;
  StatefulRedisConnection<String, String> connection;
  RedisCommands<String, String> redis;
  final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void startServer() {
    server = RedisServer.start(dir);
    connectClient();
  }

  void connectClient() {
    client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    connection = client.connect();
    redis = connection.sync();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown();
    }
    server.close();
  }

  RedisScaleEventSettings.Builder settings(String consumer) {
    return RedisScaleEventSettings.builder("127.0.0.1", server.port())
        .consumer(consumer)
        .readBlock(Duration.ofMillis(200))
        .retryBackoff(Duration.ofMillis(50))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .decoder(ScaleEventDecoder.strict().withDefaultWorkload("otto-agent").withMaxPodCount(50));
  }

  RedisScaleEventSource start(RedisScaleEventSettings s, ScaleEventHandler h) {
    RedisScaleEventSource source =
        RedisScaleEventSource.start(s, h, SecretResolver.inMemory(Map.of()), Clock.system());
    toClose.add(source);
    await().atMost(WAIT).until(() -> source.status().connected());
    return source;
  }

  long pending() {
    return redis.xpending(STREAM, "ecokube").getCount();
  }

  @Test
  void theSeedsExactEventIsAThreePodScaleUp() throws Exception {
    List<ScaleEvent> handled = new CopyOnWriteArrayList<>();
    RedisScaleEventSource source =
        start(
            settings("c1").build(),
            e -> {
              handled.add(e);
              return Acceptance.ACCEPTED;
            });
    // The Ottoscaler README's test event, sent with the real redis-cli.
    String id =
        server.cli(
            "XADD",
            "otto:scale:events",
            "*",
            "type",
            "scale_up",
            "pod_count",
            "3",
            "task_id",
            "task-123");
    await().atMost(WAIT).until(() -> source.counts().accepted() == 1);
    assertThat(handled)
        .containsExactly(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto-agent", 3, "task-123"));
    assertThat(pending()).as("acknowledged").isZero();
    assertThat(redis.xinfoGroups(STREAM).toString()).contains("last-delivered-id, " + id);
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .contains("ecokube-redis-events-otto:scale:events")
        .anyMatch(n -> n.startsWith("ecokube-redis-io-"));
    source.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("ecokube-redis-"));
  }

  /** A handler that records the event durably, then waits until the test lets it return. */
  static final class StuckHandler implements ScaleEventHandler {
    final ScaleEventHandler inner;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    StuckHandler(ScaleEventHandler inner) {
      this.inner = inner;
    }

    @Override
    public Acceptance accept(ScaleEvent event) {
      Acceptance a = inner.accept(event);
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return a;
    }
  }

  /** Closes consumer A while its handler holds an event: after handling, before XACK. */
  void killBetweenHandlingAndAck(StuckHandler handler) throws Exception {
    RedisScaleEventSource a = start(settings("consumer-a").build(), handler);
    redis.xadd(STREAM, "type", "scale_up", "pod_count", "2", "task_id", "t-crash");
    assertThat(handler.entered.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(a::close, "test-close-a");
    closer.start();
    await().atMost(WAIT).until(() -> !redis.clientList().contains("name=consumer-a"));
    handler.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
    assertThat(a.counts().accepted()).as("never acknowledged").isZero();
    assertThat(redis.xpending(STREAM, "ecokube").getConsumerMessageCount())
        .containsEntry("consumer-a", 1L);
  }

  @Test
  void aConsumerKilledBeforeItsAckLeavesTheEntryPendingAndAnotherClaimsIt() throws Exception {
    List<String> aSaw = new CopyOnWriteArrayList<>();
    killBetweenHandlingAndAck(
        new StuckHandler(
            e -> {
              aSaw.add(e.taskId());
              return Acceptance.ACCEPTED;
            }));
    assertThat(aSaw).containsExactly("t-crash");

    List<String> bSaw = new CopyOnWriteArrayList<>();
    RedisScaleEventSource b =
        start(
            settings("consumer-b")
                .claimIdle(Duration.ofMillis(300))
                .claimInterval(Duration.ofMillis(100))
                .build(),
            e -> {
              bSaw.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    await().atMost(WAIT).until(() -> b.counts().accepted() == 1);
    assertThat(bSaw).containsExactly("t-crash");
    assertThat(b.counts().claimed()).isEqualTo(1);
    assertThat(pending()).isZero();
  }

  @Test
  void aRestartedConsumerHandlesItsOwnPendingEntryAndDedupStopsASecondEffect() throws Exception {
    List<String> effects = new CopyOnWriteArrayList<>();
    DeduplicatingScaleEventHandler dedup =
        new DeduplicatingScaleEventHandler(
            e -> {
              effects.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    killBetweenHandlingAndAck(new StuckHandler(dedup));

    // Same name again, as a restarted pod of a StatefulSet: its own pending entry comes first.
    RedisScaleEventSource again = start(settings("consumer-a").build(), dedup);
    await().atMost(WAIT).until(() -> again.counts().duplicates() == 1);
    assertThat(effects).containsExactly("t-crash");
    assertThat(pending()).isZero();
  }

  @Test
  void malformedRejectedAndFailingEntriesAreDeadLetteredWithTheirReason() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    AtomicInteger poisonCalls = new AtomicInteger();
    RedisScaleEventSource source =
        start(
            settings("c1").maxAttempts(2).build(),
            e -> {
              if (e.workload().equals("ghost")) {
                return Acceptance.REJECTED;
              }
              if (e.taskId().equals("poison")) {
                poisonCalls.incrementAndGet();
                throw new IllegalStateException("cannot place " + e.podCount() + " pods");
              }
              handled.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    String noType = redis.xadd(STREAM, "pod_count", "3", "task_id", "t1");
    String words = redis.xadd(STREAM, "type", "scale_up", "pod_count", "three", "task_id", "t2");
    String tooMany = redis.xadd(STREAM, "type", "scale_up", "pod_count", "5000", "task_id", "t3");
    String twice =
        redis.xadd(
            STREAM, "type", "scale_up", "pod_count", "3", "pod_count", "300", "task_id", "t5");
    String ghost =
        redis.xadd(
            STREAM, "type", "scale_up", "workload", "ghost", "pod_count", "1", "task_id", "t4");
    String poison = redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "poison");
    redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "good");

    await().atMost(WAIT).until(() -> handled.contains("good"));
    assertThat(pending()).isZero();
    assertThat(poisonCalls).hasValue(2);
    List<StreamMessage<String, String>> dead =
        redis.xrange(STREAM + ":dead-letter", Range.create("-", "+"));
    assertThat(dead)
        .extracting(m -> m.getBody().get(RedisScaleEventSource.FIELD_ORIGIN))
        .containsExactly(
            STREAM + "/" + noType,
            STREAM + "/" + words,
            STREAM + "/" + tooMany,
            STREAM + "/" + twice,
            STREAM + "/" + ghost,
            STREAM + "/" + poison);
    assertThat(dead)
        .extracting(m -> m.getBody().get(RedisScaleEventSource.FIELD_REASON))
        .containsExactly(
            "malformed: type is missing; expected \"scale_up\" or \"scale_down\"",
            "malformed: pod_count must be a whole number in 1..50, got \"three\"",
            "malformed: pod_count must be a whole number in 1..50, got 5000 (raise maxPodCount if"
                + " that many pods are meant)",
            "malformed: field pod_count is given more than once; send each field once",
            "rejected by the handler",
            "handler failed 2 times: cannot place 1 pods");
    // The copy keeps every field as sent, the repeated pod_count of "twice" too (6 entries, 7).
    String raw = server.cli("XRANGE", STREAM + ":dead-letter", "-", "+");
    assertThat(raw.lines().filter("pod_count"::equals).count()).isEqualTo(7);
    assertThat(dead.get(1).getBody())
        .containsEntry("pod_count", "three")
        .containsEntry("task_id", "t2");
    assertThat(source.counts()).isEqualTo(new RedisScaleEventSource.Counts(1, 0, 1, 4, 6, 2, 0, 1));
  }

  @Test
  void anEntryDeliveredTooOftenIsDeadLetteredWhenClaimed() throws Exception {
    redis.xgroupCreate(
        io.lettuce.core.XReadArgs.StreamOffset.from(STREAM, "$"),
        "ecokube",
        io.lettuce.core.XGroupCreateArgs.Builder.mkstream(true));
    String id = redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "crasher");
    // A consumer "ghost" took it and died on it seven times (RETRYCOUNT sets the counter).
    server.cli("XREADGROUP", "GROUP", "ecokube", "ghost", "STREAMS", STREAM, ">");
    server.cli("XCLAIM", STREAM, "ecokube", "ghost", "0", id, "RETRYCOUNT", "7");
    List<String> handled = new CopyOnWriteArrayList<>();
    RedisScaleEventSource source =
        start(
            settings("c1")
                .claimIdle(Duration.ofMillis(1))
                .claimInterval(Duration.ofMillis(100))
                .build(),
            e -> {
              handled.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    await().atMost(WAIT).until(() -> source.counts().deadLettered() == 1);
    assertThat(handled).isEmpty();
    assertThat(pending()).isZero();
    Map<String, String> dead =
        redis.xrange(STREAM + ":dead-letter", Range.create("-", "+")).get(0).getBody();
    assertThat(dead.get(RedisScaleEventSource.FIELD_REASON))
        .startsWith("delivered 8 times and never acknowledged");
    assertThat(dead).containsEntry(RedisScaleEventSource.FIELD_DELIVERIES, "8");
  }

  @Test
  void aDeadLetterKeyOfAnotherTypeIsReportedAndNothingIsRead() {
    redis.set(STREAM + ":dead-letter", "oops");
    RedisScaleEventSource source =
        RedisScaleEventSource.start(
            settings("c1").build(),
            e -> Acceptance.ACCEPTED,
            SecretResolver.inMemory(Map.of()),
            Clock.system());
    toClose.add(source);
    await()
        .atMost(WAIT)
        .until(() -> source.status().problem().orElse("").contains("holds a string, not a stream"));
    assertThat(source.status().connected()).isFalse();
  }

  @Test
  void aStreamDeletedUnderTheSourceGetsItsGroupBack() {
    List<String> handled = new CopyOnWriteArrayList<>();
    RedisScaleEventSource source =
        start(
            settings("c1").build(),
            e -> {
              handled.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    // Deleted and added to again before the source noticed: the group it creates anew must start
    // at the beginning of the new stream, or this event would be skipped.
    redis.del(STREAM);
    redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "after-del");
    await().atMost(WAIT).until(() -> handled.contains("after-del"));
    assertThat(source.counts().connects()).isEqualTo(2);
  }

  @Test
  void redisRestartedDuringConsumptionLosesNothingAndTheSourceReconnects() throws Exception {
    Set<String> effects = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicInteger effectCalls = new AtomicInteger();
    CountDownLatch inTheMiddle = new CountDownLatch(1);
    CountDownLatch serverKilled = new CountDownLatch(1);
    DeduplicatingScaleEventHandler handler =
        new DeduplicatingScaleEventHandler(
            e -> {
              effects.add(e.taskId());
              effectCalls.incrementAndGet();
              if (e.taskId().equals("before-50")) {
                // Hold this event until Redis is gone, so its XACK meets a dead server.
                inTheMiddle.countDown();
                try {
                  serverKilled.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              }
              return Acceptance.ACCEPTED;
            });
    RedisScaleEventSource source = start(settings("c1").batchSize(4).build(), handler);
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "before-" + i);
      sent.add("before-" + i);
    }
    assertThat(inTheMiddle.await(30, TimeUnit.SECONDS)).isTrue();
    connection.close();
    client.shutdown();
    server.kill();
    serverKilled.countDown();
    await().atMost(WAIT).until(() -> !source.status().connected());
    assertThat(effects).as("killed during consumption").hasSizeLessThan(sent.size());
    server.restart();
    connectClient();
    for (int i = 0; i < 100; i++) {
      redis.xadd(STREAM, "type", "scale_up", "pod_count", "1", "task_id", "after-" + i);
      sent.add("after-" + i);
    }
    await().atMost(WAIT).until(() -> effects.size() == sent.size() && pending() == 0);
    assertThat(effects).isEqualTo(sent);
    assertThat(effectCalls).as("each task had one effect").hasValue(sent.size());
    assertThat(source.counts().duplicates())
        .as("before-50 was handled, not acknowledged, and came back")
        .isGreaterThanOrEqualTo(1);
    assertThat(source.counts().connects()).isGreaterThanOrEqualTo(2);
    assertThat(source.status().connected()).isTrue();
  }
}
