package io.ecokube.api.demand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes a handler idempotent by task id: an event whose task id was already accepted answers {@link
 * Acceptance#DUPLICATE} without reaching the delegate. Every scale-event source delivers at least
 * once (a crash between the handler and the commit or {@code XACK} redelivers), so this is what
 * turns redelivery into exactly-once effects within one process; a handler shared by several
 * sources (Kafka and Redis) de-duplicates across them. Remembers the most recent {@code capacity}
 * task ids; a rejected event or one whose handler threw is not remembered, so it can be tried
 * again. Thread-safe.
 */
public final class DeduplicatingScaleEventHandler implements ScaleEventHandler {
  /** Enough for hours of events at the rates a scaler sees. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final ScaleEventHandler delegate;
  private final Map<String, Boolean> seen;

  /** Wraps a handler, remembering {@link #DEFAULT_CAPACITY} task ids. */
  public DeduplicatingScaleEventHandler(ScaleEventHandler delegate) {
    this(delegate, DEFAULT_CAPACITY);
  }

  /** Wraps a handler, remembering the given number of task ids. */
  public DeduplicatingScaleEventHandler(ScaleEventHandler delegate, int capacity) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (capacity <= 0) {
      throw new IllegalArgumentException("dedup capacity must be > 0, got " + capacity);
    }
    this.seen =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public synchronized Acceptance accept(ScaleEvent event) {
    if (seen.containsKey(event.taskId())) {
      return Acceptance.DUPLICATE;
    }
    Acceptance result = delegate.accept(event);
    if (result != Acceptance.REJECTED) {
      seen.put(event.taskId(), Boolean.TRUE);
    }
    return result;
  }
}
