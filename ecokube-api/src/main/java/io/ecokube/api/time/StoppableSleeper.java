package io.ecokube.api.time;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Sleeper} for a worker thread's retry and reconnect waits that {@code close()} must cut
 * short: every wait ends at once when {@link #stop()} has been called, and every later one returns
 * at once.
 */
public final class StoppableSleeper implements Sleeper {
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Creates a sleeper that has not been stopped. */
  public StoppableSleeper() {}

  /** Waits for the duration, or until {@link #stop()}, whichever comes first. */
  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits as {@link #sleep} does, for loops that go on only while not stopped.
   *
   * @return false when stopped (before or during the wait) or interrupted; the interrupt flag is
   *     kept
   */
  public boolean pause(Duration duration) {
    try {
      sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !stopped();
  }

  /** Ends every current and future wait. Idempotent. */
  public void stop() {
    stopped.countDown();
  }

  /** Whether {@link #stop()} has been called. */
  public boolean stopped() {
    return stopped.getCount() == 0;
  }
}
