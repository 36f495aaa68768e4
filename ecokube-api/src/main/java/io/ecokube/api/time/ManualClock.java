package io.ecokube.api.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A clock that moves only when told to: virtual time for tests and the simulator. Thread-safe. */
public final class ManualClock implements Clock {
  private volatile Instant now;

  /** Starts at the given instant. */
  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Starts at 2026-01-01T00:00:00Z, a fixed point so runs are reproducible. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public Instant now() {
    return now;
  }

  /** Moves time forward. */
  public synchronized Instant advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward; got " + d);
    }
    now = now.plus(d);
    return now;
  }

  /** Sets time to an instant not before the current one. */
  public synchronized void set(Instant instant) {
    if (instant.isBefore(now)) {
      throw new IllegalArgumentException(
          "time only moves forward: " + instant + " is before " + now);
    }
    now = instant;
  }

  @Override
  public String toString() {
    return "ManualClock[" + now + "]";
  }
}
