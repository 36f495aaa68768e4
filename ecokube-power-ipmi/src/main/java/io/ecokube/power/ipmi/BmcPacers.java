package io.ecokube.power.ipmi;

import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pacers of the BMCs that one {@link IpmiPowerDriverProvider}'s drivers talk to, one per {@code
 * host:port}. Several nodes can sit behind one BMC (a chassis manager, a blade enclosure), and the
 * BMC's tolerance for bursts is the same whichever node's driver is asking, so those drivers share
 * one pacer. The provider owns this, so two providers (two engines in one JVM, or tests) never wait
 * for each other.
 */
final class BmcPacers {
  private final Map<String, BmcPacer> byEndpoint = new ConcurrentHashMap<>();
  private final Sleeper sleeper;

  /**
   * Creates an empty set of pacers.
   *
   * @param sleeper how the pacers wait; {@link Sleeper#system()} outside tests
   */
  BmcPacers(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * The pacer of one BMC, created with the clock of the first driver that asks. When several nodes'
   * settings name the same BMC with different intervals, the longest wins.
   */
  BmcPacer forBmc(String endpoint, Duration interval, Clock clock) {
    BmcPacer p = byEndpoint.computeIfAbsent(endpoint, e -> new BmcPacer(interval, clock, sleeper));
    p.atLeast(interval);
    return p;
  }
}
