package io.ecokube.api.demand;

import io.ecokube.api.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last events a source could not put in its dead-letter destination (none configured, or the
 * destination refused them), kept in memory so that they are not only a log line: a controller
 * shows them on its status page and counts them. Bounded; the oldest entry goes first. Thread-safe.
 */
public final class DeadLetterLog {
  /** The default number of entries kept. */
  public static final int DEFAULT_CAPACITY = 1000;

  /** The longest payload kept per entry, in characters. */
  public static final int MAX_PAYLOAD_CHARS = 4096;

  /**
   * One event that could not be dead-lettered.
   *
   * @param at when
   * @param origin where it came from ({@code topic-partition@offset}, {@code stream/id})
   * @param reason why it was not handled
   * @param payload the event as text, cut to {@link #MAX_PAYLOAD_CHARS}
   * @param whyNotDeadLettered why it is here and not in the dead-letter destination
   */
  public record Entry(
      Instant at, String origin, String reason, String payload, String whyNotDeadLettered) {
    /** Validates and cuts the payload. */
    public Entry {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(whyNotDeadLettered, "whyNotDeadLettered");
      if (payload.length() > MAX_PAYLOAD_CHARS) {
        payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "...";
      }
    }
  }

  private final int capacity;
  private final Clock clock;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final AtomicLong total = new AtomicLong();

  /** Keeps the last {@code capacity} entries, stamped by {@code clock}. */
  public DeadLetterLog(int capacity, Clock clock) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("dead-letter log capacity must be > 0, got " + capacity);
    }
    this.capacity = capacity;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Keeps {@link #DEFAULT_CAPACITY} entries on the system clock. */
  public static DeadLetterLog withDefaults() {
    return new DeadLetterLog(DEFAULT_CAPACITY, Clock.system());
  }

  /** Records an event that could not be dead-lettered. */
  public synchronized void record(
      String origin, String reason, String payload, String whyNotDeadLettered) {
    entries.addLast(new Entry(clock.now(), origin, reason, payload, whyNotDeadLettered));
    total.incrementAndGet();
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  /** The entries kept, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** How many were recorded since start, including those no longer kept. */
  public long total() {
    return total.get();
  }
}
