package io.ecokube.redis;

import io.ecokube.api.demand.DeadLetterLog;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles an entry that will not be handled: copies it to the dead-letter stream with why, where
 * from and how often delivered, then acknowledges it. When Redis refuses the copy, the entry goes
 * to the local {@link DeadLetterLog}: never dropped, never left pending for ever.
 */
final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(RedisScaleEventSource.class);

  private final RedisScaleEventSettings settings;
  private final RedisName stream;
  private final RedisName group;
  private final RedisName deadLetterStream;
  private final DeadLetterLog log;
  private final SourceCounters counters;

  DeadLetters(RedisScaleEventSettings settings, DeadLetterLog log, SourceCounters counters) {
    this.settings = settings;
    this.stream = RedisName.of(settings.stream());
    this.group = RedisName.of(settings.group());
    this.deadLetterStream = RedisName.of(settings.deadLetterStream());
    this.log = log;
    this.counters = counters;
  }

  /** Copies an entry to the dead-letter stream with the reason, then acknowledges it. */
  void settle(
      RedisCommands<RedisName, String> redis,
      StreamMessage<RedisName, String> m,
      long deliveries,
      String reason) {
    String origin = settings.stream() + "/" + m.getId();
    Map<RedisName, String> body = m.getBody();
    List<Object> kv = new ArrayList<>(body.size() * 2 + 6);
    body.forEach(
        (k, v) -> {
          kv.add(k);
          kv.add(v);
        });
    kv.add(RedisName.of(RedisScaleEventSource.FIELD_REASON));
    kv.add(reason);
    kv.add(RedisName.of(RedisScaleEventSource.FIELD_ORIGIN));
    kv.add(origin);
    kv.add(RedisName.of(RedisScaleEventSource.FIELD_DELIVERIES));
    kv.add(Long.toString(deliveries));
    try {
      redis.xadd(
          deadLetterStream,
          XAddArgs.Builder.maxlen(settings.deadLetterMaxLength()).approximateTrimming(),
          kv.toArray());
      counters.deadLettered.incrementAndGet();
    } catch (RedisCommandExecutionException e) {
      // Redis answered but refused (wrong type, out of memory): retrying will not help, and
      // leaving the entry pending would stall it for ever. Keep it here instead.
      LOG.error(
          "could not dead-letter {} to {}: {}; kept in the local dead-letter log",
          origin,
          settings.deadLetterStream(),
          e.getMessage());
      log.record(origin, reason, body.toString(), e.getMessage());
    }
    redis.xack(stream, group, m.getId());
  }
}
