package io.ecokube.redis;

import io.ecokube.api.demand.MalformedScaleEventException;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of each entry of a batch read from the stream: decoded, handed to the {@link
 * ScaleEventHandler} (retried while it throws, up to {@code maxAttempts}), and acknowledged with
 * the batch; malformed, rejected, failing and too often delivered entries go to the {@link
 * DeadLetters}.
 */
final class BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RedisScaleEventSource.class);

  /** What became of one entry of a batch. */
  private enum Outcome {
    /** Handled; to be acknowledged with the batch. */
    ACCEPTED,
    /** Seen before; to be acknowledged with the batch. */
    DUPLICATE,
    /** Dead-lettered or deleted, and acknowledged already. */
    SETTLED,
    /** The source is closing; the entry stays pending. */
    CLOSING
  }

  private final RedisScaleEventSettings settings;
  private final ScaleEventHandler handler;
  private final RedisName stream;
  private final RedisName group;
  private final SourceCounters counters;
  private final DeadLetters deadLetters;
  private final Predicate<Duration> pause;

  /**
   * @param pause waits between handler retries; false when the source is closing
   */
  BatchHandler(
      RedisScaleEventSettings settings,
      ScaleEventHandler handler,
      SourceCounters counters,
      DeadLetters deadLetters,
      Predicate<Duration> pause) {
    this.settings = settings;
    this.handler = handler;
    this.stream = RedisName.of(settings.stream());
    this.group = RedisName.of(settings.group());
    this.counters = counters;
    this.deadLetters = deadLetters;
    this.pause = pause;
  }

  /**
   * Handles a batch, then acknowledges what the handler took in one {@code XACK}: one round trip
   * (and one fsync on the server) per batch instead of per entry. A crash before it redelivers the
   * batch's handled entries, which the de-duplication absorbs. False when closing.
   *
   * @param deliveries how often Redis has delivered each entry (1 when absent)
   */
  boolean handle(
      RedisCommands<RedisName, String> redis,
      List<StreamMessage<RedisName, String>> batch,
      Map<String, Long> deliveries) {
    List<String> handled = new ArrayList<>(batch.size());
    long acceptedHere = 0;
    long duplicatesHere = 0;
    boolean goOn = true;
    for (StreamMessage<RedisName, String> m : batch) {
      Outcome o = process(redis, m, deliveries.getOrDefault(m.getId(), 1L));
      if (o == Outcome.CLOSING) {
        goOn = false;
        break;
      }
      if (o == Outcome.ACCEPTED) {
        handled.add(m.getId());
        acceptedHere++;
      } else if (o == Outcome.DUPLICATE) {
        handled.add(m.getId());
        duplicatesHere++;
      }
    }
    if (!handled.isEmpty()) {
      redis.xack(stream, group, handled.toArray(String[]::new));
      counters.accepted.addAndGet(acceptedHere);
      counters.duplicates.addAndGet(duplicatesHere);
    }
    return goOn;
  }

  private Outcome process(
      RedisCommands<RedisName, String> redis, StreamMessage<RedisName, String> m, long deliveries) {
    String origin = settings.stream() + "/" + m.getId();
    Map<RedisName, String> body = m.getBody();
    if (body == null || body.isEmpty()) {
      // Deleted from the stream while pending: nothing left to handle.
      redis.xack(stream, group, m.getId());
      return Outcome.SETTLED;
    }
    if (deliveries > settings.maxAttempts()) {
      return deadLetter(
          redis,
          m,
          deliveries,
          "delivered "
              + deliveries
              + " times and never acknowledged (a consumer died or hung on it each time);"
              + " maxAttempts is "
              + settings.maxAttempts());
    }
    ScaleEvent event;
    try {
      event = settings.decoder().decode(RedisName.fields(body));
    } catch (MalformedScaleEventException e) {
      counters.malformed.incrementAndGet();
      LOG.warn("malformed scale event {}: {}", origin, e.getMessage());
      return deadLetter(redis, m, deliveries, "malformed: " + e.getMessage());
    }
    for (long attempt = deliveries; ; attempt++) {
      Acceptance result;
      try {
        result = Objects.requireNonNull(handler.accept(event), "handler returned null");
      } catch (RuntimeException e) {
        counters.handlerFailures.incrementAndGet();
        if (attempt >= settings.maxAttempts()) {
          LOG.error(
              "scale event {} ({}) failed {} times; dead-lettering it",
              event.taskId(),
              origin,
              attempt,
              e);
          return deadLetter(
              redis, m, deliveries, "handler failed " + attempt + " times: " + e.getMessage());
        }
        LOG.warn(
            "handler failed on scale event {} ({}), attempt {} of {}: {}; retrying in {}",
            event.taskId(),
            origin,
            attempt,
            settings.maxAttempts(),
            e.toString(),
            settings.retryBackoff());
        if (!pause.test(settings.retryBackoff())) {
          return Outcome.CLOSING;
        }
        continue;
      }
      switch (result) {
        case ACCEPTED -> {
          LOG.info(
              "accepted {} {} x{} (task {}) from {}",
              event.type(),
              event.workload(),
              event.podCount(),
              event.taskId(),
              origin);
          return Outcome.ACCEPTED;
        }
        case DUPLICATE -> {
          LOG.info("duplicate scale event, task {} ({}): already handled", event.taskId(), origin);
          return Outcome.DUPLICATE;
        }
        case REJECTED -> {
          counters.rejected.incrementAndGet();
          LOG.warn("scale event task {} ({}) rejected by the handler", event.taskId(), origin);
          return deadLetter(redis, m, deliveries, "rejected by the handler");
        }
        default -> throw new IllegalStateException("unknown acceptance " + result);
      }
    }
  }

  private Outcome deadLetter(
      RedisCommands<RedisName, String> redis,
      StreamMessage<RedisName, String> m,
      long deliveries,
      String reason) {
    deadLetters.settle(redis, m, deliveries, reason);
    return Outcome.SETTLED;
  }
}
