package io.ecokube.test.virtualnode;

import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@link NodeScheduler#realTime()}: the system clock and one named daemon thread. */
final class RealTimeScheduler implements NodeScheduler {
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "virtual-node-timer");
            t.setDaemon(true);
            return t;
          });

  @Override
  public Clock clock() {
    return Clock.system();
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
