package io.ecokube.replay.sim;

import io.ecokube.replay.bound.ClairvoyantBound;
import io.ecokube.replay.cluster.ReplayCluster;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a replay: every policy's result on the same pods, the clairvoyant bound, and the
 * always-on reference the percentages refer to.
 *
 * @param cluster the cluster
 * @param source the trace's description
 * @param horizon the accounted span
 * @param jobs jobs replayed
 * @param pods pods after splitting
 * @param results the simulated policies, in the order asked
 * @param bound the clairvoyant bound, when asked
 * @param alwaysOnJoules the always-on energy the percentages refer to: the always-on run's when it
 *     was run, else every node idle all along plus the jobs' dynamic energy
 * @param notes what people should know about the input (bad lines, excluded jobs)
 */
public record Comparison(
    ReplayCluster cluster,
    String source,
    Duration horizon,
    int jobs,
    int pods,
    List<PolicyResult> results,
    Optional<ClairvoyantBound.Result> bound,
    double alwaysOnJoules,
    List<String> notes) {
  /** Validates and copies. */
  public Comparison {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(horizon, "horizon");
    results = List.copyOf(results);
    Objects.requireNonNull(bound, "bound");
    notes = List.copyOf(notes);
  }

  /** A policy's result by key. */
  public Optional<PolicyResult> result(String key) {
    return results.stream().filter(r -> r.key().equals(key)).findFirst();
  }

  /** Joules as a percentage of always-on. */
  public double percentOfAlwaysOn(double joules) {
    return alwaysOnJoules <= 0 ? Double.NaN : 100 * joules / alwaysOnJoules;
  }

  /** Joules as a percentage of the clairvoyant bound (NaN without the bound). */
  public double percentOfBound(double joules) {
    return bound
        .map(b -> b.joules() <= 0 ? Double.NaN : 100 * joules / b.joules())
        .orElse(Double.NaN);
  }

  /** Facility cost of some joules at the cluster's flat tariff. */
  public double cost(double joules) {
    return joules / 3.6e6 * cluster.tariff().pue() * cluster.tariff().pricePerKwhValue();
  }

  /** Facility kg CO2 of some joules at the cluster's flat tariff. */
  public double kgCo2(double joules) {
    return joules / 3.6e6 * cluster.tariff().pue() * cluster.tariff().gramsCo2PerKwhValue() / 1000;
  }
}
