package io.ecokube.api.time;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with a cap and optional jitter: retry {@code n} (0 for the first) waits
 * {@code min(max, initial * 2^n)}, shortened by up to {@code jitter} of itself at random so that
 * many clients refused at once do not retry in lockstep. With jitter 0 the waits are exact.
 *
 * @param initial the first wait, positive
 * @param max the longest wait, not shorter than {@code initial}
 * @param jitter the largest fraction (0 to 1) cut at random from each wait
 */
public record Backoff(Duration initial, Duration max, double jitter) {

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoff: initial wait must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff: max wait " + max + " is shorter than the initial wait " + initial);
    }
    if (max.compareTo(Durations.MAX) > 0) {
      throw new IllegalArgumentException(
          "backoff: max wait " + max + " is longer than the limit " + Durations.MAX);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("backoff: jitter must be between 0 and 1, got " + jitter);
    }
  }

  /** Exact doubling from {@code initial} up to {@code max}, no jitter. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, 0);
  }

  /** The same backoff with the given jitter fraction. */
  public Backoff withJitter(double fraction) {
    return new Backoff(initial, max, fraction);
  }

  /** The wait before retry {@code retry} (0-based), without jitter. */
  public Duration delay(int retry) {
    if (retry < 0) {
      throw new IllegalArgumentException("backoff: retry must be >= 0, got " + retry);
    }
    // Doubling past the cap stops mattering long before the shift overflows.
    int shift = Math.min(retry, 62);
    long capNanos = max.toNanos();
    long initNanos = initial.toNanos();
    long nanos = shift >= Long.numberOfLeadingZeros(initNanos) ? capNanos : initNanos << shift;
    return Duration.ofNanos(Math.min(nanos, capNanos));
  }

  /** The wait before retry {@code retry} (0-based), with jitter drawn from {@code random}. */
  public Duration delay(int retry, RandomGenerator random) {
    Duration d = delay(retry);
    if (jitter == 0) {
      return d;
    }
    double cut = jitter * random.nextDouble();
    return Duration.ofNanos(Math.round(d.toNanos() * (1 - cut)));
  }

  /**
   * Waits before retry {@code retry}, never past {@code left} (the time to a deadline).
   *
   * @return the time waited
   * @throws InterruptedException when the sleeper is interrupted
   */
  public Duration await(int retry, Duration left, Sleeper sleeper, RandomGenerator random)
      throws InterruptedException {
    Duration d = delay(retry, random);
    if (d.compareTo(left) > 0) {
      d = left.isNegative() ? Duration.ZERO : left;
    }
    sleeper.sleep(d);
    return d;
  }
}
