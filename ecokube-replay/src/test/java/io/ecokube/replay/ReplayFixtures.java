package io.ecokube.replay;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.trace.SyntheticTrace;
import io.ecokube.replay.trace.Trace;
import java.time.Duration;

/** A small cluster and a short synthetic trace that keep replay tests fast. */
public final class ReplayFixtures {
  private ReplayFixtures() {}

  /** The YAML of {@link #cluster()}. */
  public static final String CLUSTER_YAML =
      "nodes: 4\n"
          + "cores: 4\n"
          + "memory: 16Gi\n"
          + "power: {offWatts: 5, idleWatts: 100, maxWatts: 250, transitionWatts: 150,"
          + " bootTime: 2m, shutdownTime: 30s}\n"
          + "accounting: {pue: 1.4, pricePerKwh: 0.3, gramsCo2PerKwh: 250, currency: EUR}\n";

  /** Four nodes of four cores, two-minute boots. */
  public static ReplayCluster cluster() {
    return new ReplayCluster(
        4,
        4,
        16L * 1024 * 1024 * 1024,
        110,
        new PowerProfile(5, 100, 250, 150, Duration.ofSeconds(120), Duration.ofSeconds(30)),
        new FlatTariff(1.4, 0.3, 250, "EUR"));
  }

  /** Twelve hours of diurnal arrivals with bursts; some jobs need six cores (two pods). */
  public static Trace trace(long seed) {
    return SyntheticTrace.generate(Duration.ofHours(12), 12, 3, 4, Duration.ofMinutes(15), 6, seed);
  }
}
