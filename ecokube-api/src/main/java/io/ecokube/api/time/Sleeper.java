package io.ecokube.api.time;

import java.time.Duration;

/**
 * Blocks the calling thread for a while: between retries, polls and paced commands. Deadlines are
 * decided with {@link Clock}; a sleeper only waits, so tests pass one that advances a {@link
 * ManualClock} instead of blocking, and run on virtual time.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Blocks for the given duration; zero or negative returns at once.
   *
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;

  /** Blocks the thread for real. */
  static Sleeper system() {
    return d -> {
      if (d.isNegative() || d.isZero()) {
        return;
      }
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000L));
    };
  }

  /** A sleeper that advances the given manual clock instead of blocking (virtual time). */
  static Sleeper advancing(ManualClock clock) {
    return d -> {
      if (d.isNegative() || d.isZero()) {
        return;
      }
      clock.advance(d);
    };
  }
}
