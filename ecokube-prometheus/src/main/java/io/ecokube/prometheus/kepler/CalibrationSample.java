package io.ecokube.prometheus.kepler;

import java.time.Instant;

/**
 * A node's utilisation and power at one instant: one point for fitting the linear power model
 * {@code watts = idle + (max - idle) x utilisation}.
 *
 * @param at when
 * @param utilisation CPU utilisation in [0, 1]
 * @param watts power in watts, as the meter reports it
 */
public record CalibrationSample(Instant at, double utilisation, double watts) {
  /** Validates. */
  public CalibrationSample {
    if (!(utilisation >= 0 && utilisation <= 1.0000001)) {
      throw new IllegalArgumentException("utilisation must be in [0, 1], got " + utilisation);
    }
    if (!(Double.isFinite(watts) && watts >= 0)) {
      throw new IllegalArgumentException("watts must be finite and >= 0, got " + watts);
    }
  }
}
