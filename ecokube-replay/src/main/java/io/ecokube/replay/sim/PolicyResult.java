package io.ecokube.replay.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What one policy did on a trace.
 *
 * @param key the policy's key
 * @param title the policy's name in tables
 * @param joules energy at the servers over the horizon
 * @param cost facility energy cost (PUE included), in the tariff's currency
 * @param gramsCo2 facility emissions (PUE included)
 * @param jobs jobs replayed
 * @param jobsStarted jobs whose every pod started within the horizon
 * @param jobsCompleted jobs whose every pod finished within the horizon
 * @param waitsSeconds the wait of every started job, sorted ascending
 * @param delayedByBoot started jobs that waited for a node to finish booting
 * @param cyclesPerNode power-ons of each node
 * @param series power, nodes on and backlog over time
 * @param wallTime how long the replay took (not part of any comparison)
 * @param caveat why the result is not what its title suggests (pre-wake that never acted)
 */
public record PolicyResult(
    String key,
    String title,
    double joules,
    double cost,
    double gramsCo2,
    int jobs,
    int jobsStarted,
    int jobsCompleted,
    double[] waitsSeconds,
    int delayedByBoot,
    int[] cyclesPerNode,
    Series series,
    Duration wallTime,
    Optional<String> caveat) {
  /** Validates and copies. */
  public PolicyResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(caveat, "caveat");
    waitsSeconds = waitsSeconds.clone();
    Arrays.sort(waitsSeconds);
    cyclesPerNode = cyclesPerNode.clone();
  }

  /** Energy in kWh at the servers. */
  public double kWh() {
    return joules / 3.6e6;
  }

  /** The wait at a percentile in (0, 100], nearest rank; 0 when no job started. */
  public double waitPercentile(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    if (waitsSeconds.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percentile / 100 * waitsSeconds.length);
    return waitsSeconds[Math.max(0, rank - 1)];
  }

  /** Most power-ons of any node. */
  public int maxCycles() {
    return Arrays.stream(cyclesPerNode).max().orElse(0);
  }

  /** Mean power-ons per node. */
  public double meanCycles() {
    return Arrays.stream(cyclesPerNode).average().orElse(0);
  }

  @Override
  public double[] waitsSeconds() {
    return waitsSeconds.clone();
  }

  @Override
  public int[] cyclesPerNode() {
    return cyclesPerNode.clone();
  }
}
