package io.ecokube.api.time;

import java.time.Instant;

/**
 * The source of "now" for everything in Eco-Kube that depends on time. Production uses {@link
 * #system()}; tests and the simulator use a {@link ManualClock} and advance it, so nothing waits
 * for real time.
 */
@FunctionalInterface
public interface Clock {

  /** The current instant. */
  Instant now();

  /** Milliseconds since the epoch; a convenience for rate computations. */
  default long millis() {
    return now().toEpochMilli();
  }

  /** The wall clock. */
  static Clock system() {
    return Instant::now;
  }
}
