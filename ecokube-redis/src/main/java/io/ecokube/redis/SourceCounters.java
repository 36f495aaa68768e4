package io.ecokube.redis;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of the entries so far; written by the reading thread, read by any thread through
 * {@link RedisScaleEventSource#counts()}.
 */
final class SourceCounters {
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong deadLettered = new AtomicLong();
  final AtomicLong handlerFailures = new AtomicLong();
  final AtomicLong claimed = new AtomicLong();
  final AtomicLong connects = new AtomicLong();

  RedisScaleEventSource.Counts snapshot() {
    return new RedisScaleEventSource.Counts(
        accepted.get(),
        duplicates.get(),
        rejected.get(),
        malformed.get(),
        deadLettered.get(),
        handlerFailures.get(),
        claimed.get(),
        connects.get());
  }
}
