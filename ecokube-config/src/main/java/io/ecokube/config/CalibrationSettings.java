package io.ecokube.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code calibration} section: refit each metered node's linear power model ({@code watts =
 * idle + (max - idle) x utilisation}) from the meter's samples on a schedule; the fitted idle and
 * full-load watts replace the configured ones in accounting and are kept in the cluster, so a
 * restart keeps them.
 *
 * @param interval how often every node is refitted
 * @param window how far back the samples of a fit reach
 * @param minRSquared a fit explaining less of the variance than this is not used
 */
public record CalibrationSettings(Duration interval, Duration window, double minRSquared) {
  /** Validates. */
  public CalibrationSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(window, "window");
    if (!(minRSquared >= 0 && minRSquared <= 1)) {
      throw new IllegalArgumentException("minRSquared must be in [0, 1], got " + minRSquared);
    }
  }
}
