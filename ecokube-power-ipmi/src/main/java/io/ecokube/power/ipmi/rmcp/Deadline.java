package io.ecokube.power.ipmi.rmcp;

import java.time.Duration;

/**
 * The point in monotonic time by which a whole operation must finish. Network waits are real waits,
 * so this uses {@link System#nanoTime()} rather than an injectable clock.
 *
 * @param nanoTime the {@link System#nanoTime()} value at which time is up
 */
public record Deadline(long nanoTime) {

  /** A deadline the given duration from now. */
  public static Deadline after(Duration d) {
    return new Deadline(System.nanoTime() + d.toNanos());
  }

  /** Nanoseconds left, never negative. */
  public long remainingNanos() {
    return Math.max(0, nanoTime - System.nanoTime());
  }

  /** Whether time is up. */
  public boolean expired() {
    return remainingNanos() == 0;
  }

  /** The earlier of this deadline and one the given duration from now. */
  public Deadline atMost(Duration d) {
    long other = System.nanoTime() + d.toNanos();
    return other - nanoTime < 0 ? new Deadline(other) : this;
  }
}
