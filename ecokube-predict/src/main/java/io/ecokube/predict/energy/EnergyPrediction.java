package io.ecokube.predict.energy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The four stages of one prediction, step by step, each with its interval, and the container's
 * energy over the horizon.
 *
 * @param start the first step's instant
 * @param step the spacing
 * @param level the intervals' nominal coverage
 * @param source where the CPU figures came from: the forecast model's description, or {@code
 *     "pre-deployment request ..."}
 * @param containerCores stage 1: the container's CPU in cores
 * @param nodeUtilisation stage 2: the node's CPU utilisation, a fraction in [0, 1]
 * @param nodeWatts stage 3: the node's power
 * @param containerWatts stage 4: the container's share of the node's power
 * @param energyJoules the container's energy over the horizon: {@code sum(containerWatts) x step}
 * @param energyJoulesLower the sum of the lower bounds
 * @param energyJoulesUpper the sum of the upper bounds
 */
public record EnergyPrediction(
    Instant start,
    Duration step,
    double level,
    String source,
    Band containerCores,
    Band nodeUtilisation,
    Band nodeWatts,
    Band containerWatts,
    double energyJoules,
    double energyJoulesLower,
    double energyJoulesUpper) {

  /** Validates. */
  public EnergyPrediction {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(containerCores, "containerCores");
    Objects.requireNonNull(nodeUtilisation, "nodeUtilisation");
    Objects.requireNonNull(nodeWatts, "nodeWatts");
    Objects.requireNonNull(containerWatts, "containerWatts");
    int n = containerCores.size();
    if (nodeUtilisation.size() != n || nodeWatts.size() != n || containerWatts.size() != n) {
      throw new IllegalArgumentException("energy prediction stages differ in length");
    }
    if (!(energyJoulesLower <= energyJoules && energyJoules <= energyJoulesUpper)
        || !Double.isFinite(energyJoulesLower)
        || !Double.isFinite(energyJoulesUpper)) {
      throw new IllegalArgumentException(
          "energy bounds out of order or not finite: "
              + energyJoulesLower
              + " / "
              + energyJoules
              + " / "
              + energyJoulesUpper);
    }
  }

  /** The container's mean power over the horizon, in watts. */
  public double meanContainerWatts() {
    double[] w = containerWatts.mean();
    double s = 0;
    for (double v : w) {
      s += v;
    }
    return s / w.length;
  }
}
