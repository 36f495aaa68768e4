package io.ecokube.api.power;

import java.time.Instant;
import java.util.Objects;

/**
 * One measurement of a node's power draw.
 *
 * @param node the node measured
 * @param watts the draw in watts, finite and not negative
 * @param at when the measurement was taken (by the source, not when it was read)
 * @param source where it came from, for precedence and reports: {@code kepler}, {@code ipmi-dcmi},
 *     {@code redfish}, ...
 * @param wallPower true when the figure covers the whole machine at the wall (BMC); false when it
 *     is a partial estimate such as Kepler's CPU-package energy
 */
public record PowerReading(
    String node, double watts, Instant at, String source, boolean wallPower) {
  /** Validates the reading. */
  public PowerReading {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
    if (!Double.isFinite(watts) || watts < 0) {
      throw new IllegalArgumentException(
          "power reading for node '"
              + node
              + "' from "
              + source
              + " is "
              + watts
              + " W; expected >= 0");
    }
  }
}
