package io.ecokube.power.redfish;

import java.time.Duration;

/**
 * Waits between retries and task-monitor polls. Deadlines are decided with {@link
 * io.ecokube.api.time.Clock}; this only blocks the calling thread, so tests pass a sleeper that
 * advances a {@link io.ecokube.api.time.ManualClock} instead of waiting.
 */
@FunctionalInterface
public interface Sleeper {

  /** Blocks for the given duration (zero or positive). */
  void sleep(Duration duration) throws InterruptedException;

  /** Blocks the thread for real. */
  static Sleeper system() {
    return d -> Thread.sleep(Math.max(0, d.toMillis()));
  }
}
