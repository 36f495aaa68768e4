package io.ecokube.power.ipmi;

import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.power.ipmi.rmcp.ExchangePacer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Keeps a minimum interval between the starts of two requests to one BMC, because many BMCs
 * misbehave or crash under bursts. The drivers that talk to the same {@code host:port} share one
 * pacer through their provider's {@link BmcPacers}; a caller that must wait holds the pacer, so
 * requests to one BMC also queue up in order.
 */
final class BmcPacer implements ExchangePacer {

  private final Clock clock;
  // How the pacer waits: Sleeper.system(), or one that advances a ManualClock in tests.
  private final Sleeper sleeper;
  private Duration interval;
  private Instant last;

  BmcPacer(Duration interval, Clock clock, Sleeper sleeper) {
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Raises the interval to {@code d} if that is longer. */
  synchronized void atLeast(Duration d) {
    if (d.compareTo(interval) > 0) {
      interval = d;
    }
  }

  /** The interval in force. */
  synchronized Duration interval() {
    return interval;
  }

  @Override
  public synchronized void awaitTurn() throws InterruptedException {
    Instant now = clock.now();
    if (last != null) {
      Duration wait = Duration.between(now, last.plus(interval));
      if (!wait.isNegative() && !wait.isZero()) {
        sleeper.sleep(wait);
        now = clock.now();
      }
    }
    last = now;
  }
}
