package io.ecokube.power.redfish;

import io.ecokube.api.time.ManualClock;
import io.ecokube.api.time.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Waits in virtual time: records each pause and advances the clock by it. */
final class VirtualSleeper implements Sleeper {
  final ManualClock clock = new ManualClock();
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    clock.advance(duration);
  }
}
