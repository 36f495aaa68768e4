package io.ecokube.redis;

import io.ecokube.api.demand.DeadLetterLog;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Backoff;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.StoppableSleeper;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads scale events from a Redis Stream in a consumer group and hands them to a {@link
 * ScaleEventHandler}, on one named thread ({@code ecokube-redis-events-<stream>}); Lettuce's I/O
 * threads are named {@code ecokube-redis-io-*}.
 *
 * <p>Delivery is at least once. An entry is acknowledged ({@code XACK}) only after the handler
 * returned for it, so the handler is where the work must be durably recorded: a consumer that dies
 * in between leaves the entry pending, and it is handled again, by this consumer when it comes back
 * under the same name or by another one that claims it ({@code XAUTOCLAIM}) after {@code
 * claimIdle}. Wrap the handler in a {@link io.ecokube.api.demand.DeduplicatingScaleEventHandler} so
 * that a redelivered task id is not handled twice.
 *
 * <p>Bad input never stops the stream and is never dropped: an entry that is malformed (the reason
 * names the field), rejected by the handler, whose handler kept throwing, or that was delivered
 * {@code maxAttempts} times without an acknowledgement (a consumer died on it each time) is copied
 * to the dead-letter stream with fields {@value #FIELD_REASON}, {@value #FIELD_ORIGIN} and {@value
 * #FIELD_DELIVERIES} after its own, then acknowledged. Should Redis refuse the copy (the key holds
 * another type, out of memory), the entry goes to the bounded {@link #deadLetterLog()} instead.
 *
 * <p>Lost connections (Redis restarted, network) are retried with a doubling backoff; after a
 * reconnect the group is created again if Redis lost it, and this consumer's own pending entries
 * are handled first.
 */
public final class RedisScaleEventSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisScaleEventSource.class);

  /** Field added to a dead-lettered entry: why it was not handled. */
  public static final String FIELD_REASON = "ecokube.dlt.reason";

  /** Field added to a dead-lettered entry: {@code stream/id} it came from. */
  public static final String FIELD_ORIGIN = "ecokube.dlt.origin";

  /** Field added to a dead-lettered entry: how often Redis had delivered it. */
  public static final String FIELD_DELIVERIES = "ecokube.dlt.deliveries";

  // A retry count past which the reconnect backoff always waits its maximum.
  private static final int SATURATED = 62;

  private final RedisScaleEventSettings settings;
  private final Clock clock;
  private final ClientResources resources;
  // Lettuce's threads of this source: its shutdown future completes before they have ended.
  private final List<Thread> ioThreads = new CopyOnWriteArrayList<>();
  private final RedisClient client;
  private final RedisURI uri;
  private final Thread thread;
  private final DeadLetterLog deadLetterLog;
  // Reconnect and retry waits on the reading thread; close() ends them at once.
  private final StoppableSleeper stopping = new StoppableSleeper();
  private final Consumer<RedisName> me;
  private final RedisName stream;
  private final RedisName group;
  private final RedisName deadLetterStream;
  private volatile boolean running = true;
  private volatile StatefulRedisConnection<RedisName, String> connection;
  private volatile Optional<String> problem = Optional.of("not connected yet");
  private Instant nextClaim = Instant.MIN;

  private final SourceCounters counters = new SourceCounters();
  private final BatchHandler batches;

  /**
   * How many entries met which fate so far.
   *
   * @param accepted handled and acknowledged
   * @param duplicates task id seen before; acknowledged without effect
   * @param rejected refused by the handler; dead-lettered
   * @param malformed not an event; dead-lettered
   * @param deadLettered copied to the dead-letter stream
   * @param handlerFailures times the handler threw
   * @param claimed entries taken over from other consumers
   * @param connects successful connections, the first one included
   */
  public record Counts(
      long accepted,
      long duplicates,
      long rejected,
      long malformed,
      long deadLettered,
      long handlerFailures,
      long claimed,
      long connects) {}

  /**
   * Whether the source is reading, for a readiness check.
   *
   * @param connected connected, the group exists and the dead-letter stream is usable
   * @param problem what is wrong when not ready, with what to check
   */
  public record Status(boolean connected, Optional<String> problem) {
    /** Validates. */
    public Status {
      Objects.requireNonNull(problem, "problem");
    }
  }

  private RedisScaleEventSource(
      RedisScaleEventSettings settings,
      ScaleEventHandler handler,
      SecretResolver secrets,
      Clock clock,
      DeadLetterLog deadLetterLog) {
    this.settings = settings;
    this.clock = clock;
    this.deadLetterLog = deadLetterLog;
    this.stream = RedisName.of(settings.stream());
    this.group = RedisName.of(settings.group());
    this.deadLetterStream = RedisName.of(settings.deadLetterStream());
    this.me = Consumer.from(group, RedisName.of(settings.consumer()));
    this.batches =
        new BatchHandler(
            settings,
            handler,
            counters,
            new DeadLetters(settings, deadLetterLog, counters),
            this::pause);
    this.uri = RedisConnections.uri(settings, secrets);
    this.resources = RedisConnections.resources(ioThreads::add);
    this.client = RedisClient.create(resources);
    client.setOptions(RedisConnections.clientOptions(settings));
    this.thread = new Thread(this::run, "ecokube-redis-events-" + settings.stream());
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading on its own thread. Returns at once: a server that cannot be reached yet is
   * retried with backoff and reported by {@link #status()}.
   *
   * @throws IllegalArgumentException when the password reference cannot be resolved (the message
   *     names the reference, never the value)
   */
  public static RedisScaleEventSource start(
      RedisScaleEventSettings settings,
      ScaleEventHandler handler,
      SecretResolver secrets,
      Clock clock) {
    return start(settings, handler, secrets, clock, DeadLetterLog.withDefaults());
  }

  /**
   * As {@link #start(RedisScaleEventSettings, ScaleEventHandler, SecretResolver, Clock)}, with a
   * given log.
   */
  public static RedisScaleEventSource start(
      RedisScaleEventSettings settings,
      ScaleEventHandler handler,
      SecretResolver secrets,
      Clock clock,
      DeadLetterLog deadLetterLog) {
    RedisScaleEventSource s =
        new RedisScaleEventSource(
            Objects.requireNonNull(settings, "settings"),
            Objects.requireNonNull(handler, "handler"),
            Objects.requireNonNull(secrets, "secrets"),
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(deadLetterLog, "deadLetterLog"));
    s.thread.start();
    return s;
  }

  /** Counts so far. */
  public Counts counts() {
    return counters.snapshot();
  }

  /** Whether the source is reading, and if not, why. */
  public Status status() {
    Optional<String> p = problem;
    return new Status(p.isEmpty(), p);
  }

  /** Entries that could not be copied to the dead-letter stream. */
  public DeadLetterLog deadLetterLog() {
    return deadLetterLog;
  }

  private void run() {
    Backoff reconnect =
        Backoff.exponential(settings.reconnectBackoffMin(), settings.reconnectBackoffMax());
    // Failed connects in a row; SATURATED waits the longest.
    int failures = 0;
    while (running) {
      Duration backoff = reconnect.delay(failures);
      try {
        RedisCommands<RedisName, String> redis = connect();
        failures = 0;
        recoverOwnPending(redis);
        while (running) {
          if (!clock.now().isBefore(nextClaim)) {
            claimAbandoned(redis);
            nextClaim = clock.now().plus(settings.claimInterval());
          }
          List<StreamMessage<RedisName, String>> batch =
              redis.xreadgroup(
                  me,
                  XReadArgs.Builder.block(settings.readBlock()).count(settings.batchSize()),
                  StreamOffset.lastConsumed(stream));
          batches.handle(redis, batch, Map.of());
        }
      } catch (SetupException e) {
        problem = Optional.of(e.getMessage());
        LOG.error("redis scale events on {}: {}", settings.stream(), e.getMessage());
        failures = SATURATED;
        disconnect();
        if (!pause(reconnect.delay(failures))) {
          break;
        }
      } catch (RedisException e) {
        disconnect();
        if (!running) {
          break;
        }
        String why = describe(e);
        // Mostly a lost or refused connection; also NOGROUP when the stream was deleted under
        // us, which the reconnect repairs by creating the group again.
        problem = Optional.of("redis " + where() + " failed or refused: " + why);
        LOG.warn(
            "redis scale events on {} at {}: {}; reconnecting in {}",
            settings.stream(),
            where(),
            why,
            backoff);
        if (!pause(backoff)) {
          break;
        }
        failures = Math.min(failures + 1, SATURATED);
      } catch (RuntimeException e) {
        problem = Optional.of("unexpected failure reading " + settings.stream() + ": " + e);
        LOG.error(
            "redis scale events on {}: unexpected failure; reconnecting", settings.stream(), e);
        disconnect();
        if (!pause(backoff)) {
          break;
        }
        failures = Math.min(failures + 1, SATURATED);
      }
    }
    disconnect();
  }

  private RedisCommands<RedisName, String> connect() throws SetupException {
    StatefulRedisConnection<RedisName, String> c = client.connect(RedisName.CODEC, uri);
    connection = c;
    if (!running) {
      // close() ran while connecting and could not see this connection.
      disconnect();
      throw new RedisException("closing");
    }
    RedisCommands<RedisName, String> redis = c.sync();
    // A group that vanished after we had one means Redis lost state (restarted without
    // persistence, stream deleted): what the stream holds now arrived since, so read all of it;
    // handling an entry twice is absorbed by de-duplication, skipping one would lose a task.
    String start =
        settings.startFrom() == RedisScaleEventSettings.StartFrom.NEW_EVENTS
                && counters.connects.get() == 0
            ? "$"
            : "0";
    try {
      redis.xgroupCreate(
          StreamOffset.from(stream, start), group, XGroupCreateArgs.Builder.mkstream(true));
      LOG.info(
          "created consumer group {} on stream {} (from {})",
          settings.group(),
          settings.stream(),
          start);
    } catch (RedisCommandExecutionException e) {
      if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
        throw new SetupException(
            "cannot create consumer group "
                + settings.group()
                + " on "
                + settings.stream()
                + ": "
                + e.getMessage()
                + " (is the key a stream, and may this user run XGROUP?)");
      }
    }
    String dltType = redis.type(deadLetterStream);
    if (!dltType.equals("none") && !dltType.equals("stream")) {
      throw new SetupException(
          "dead-letter key "
              + settings.deadLetterStream()
              + " holds a "
              + dltType
              + ", not a stream; delete or rename it, or set another deadLetterStream");
    }
    counters.connects.incrementAndGet();
    problem = Optional.empty();
    LOG.info(
        "reading scale events from {} at {} as {}/{}",
        settings.stream(),
        where(),
        settings.group(),
        settings.consumer());
    return redis;
  }

  /** Entries this consumer read before a crash or disconnect and never acknowledged. */
  private void recoverOwnPending(RedisCommands<RedisName, String> redis) {
    String after = "0";
    while (running) {
      List<StreamMessage<RedisName, String>> batch =
          redis.xreadgroup(
              me, XReadArgs.Builder.count(settings.batchSize()), StreamOffset.from(stream, after));
      if (batch.isEmpty()) {
        return;
      }
      if (!batches.handle(redis, batch, deliveries(redis, batch))) {
        return;
      }
      after = batch.get(batch.size() - 1).getId();
    }
  }

  /** Takes over entries that another consumer left pending for claimIdle (it died). */
  private void claimAbandoned(RedisCommands<RedisName, String> redis) {
    String cursor = "0-0";
    do {
      ClaimedMessages<RedisName, String> got =
          redis.xautoclaim(
              stream,
              XAutoClaimArgs.Builder.xautoclaim(me, settings.claimIdle(), cursor)
                  .count(settings.batchSize()));
      List<StreamMessage<RedisName, String>> batch = got.getMessages();
      if (!batch.isEmpty()) {
        counters.claimed.addAndGet(batch.size());
        LOG.info(
            "claimed {} entries of {} pending longer than {}",
            batch.size(),
            settings.stream(),
            settings.claimIdle());
        if (!batches.handle(redis, batch, deliveries(redis, batch))) {
          return;
        }
      }
      cursor = got.getId();
    } while (running && !"0-0".equals(cursor));
  }

  /** How often Redis has delivered each entry of a batch, the current delivery included. */
  private Map<String, Long> deliveries(
      RedisCommands<RedisName, String> redis, List<StreamMessage<RedisName, String>> batch) {
    List<PendingMessage> pending =
        redis.xpending(
            stream,
            group,
            Range.create(batch.get(0).getId(), batch.get(batch.size() - 1).getId()),
            Limit.from(batch.size()));
    Map<String, Long> out = new HashMap<>();
    for (PendingMessage p : pending) {
      out.put(p.getId(), p.getRedeliveryCount());
    }
    return out;
  }

  private String where() {
    return settings.host() + ":" + settings.port();
  }

  private static String describe(RedisException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = e.getMessage();
    return t == e ? String.valueOf(m) : m + " (" + t + ")";
  }

  private boolean pause(Duration d) {
    return stopping.pause(d);
  }

  private void disconnect() {
    StatefulRedisConnection<RedisName, String> c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a redis connection that already failed: {}", e.toString());
      }
    }
  }

  /**
   * Stops reading and waits for the thread. The connection is closed at once, so an entry whose
   * handler is still running is not acknowledged: it stays pending and is handled again by the next
   * consumer.
   */
  @Override
  public void close() {
    running = false;
    stopping.stop();
    disconnect();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("redis scale-event thread {} did not stop within 15 s", thread.getName());
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    try {
      // Wait for Lettuce's I/O threads too, so a closed source leaves no thread behind.
      resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (Thread t : ioThreads) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("redis client threads did not stop within 5 s: {}", e.toString());
    }
  }

  /** The server answered, but the stream, group or dead-letter key cannot be used as configured. */
  private static final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    SetupException(String message) {
      super(message);
    }
  }
}
