package io.ecokube.api.power;

import io.ecokube.api.time.Clock;
import java.util.Objects;

/**
 * What a {@link PowerDriverProvider} gets to build a driver for one node.
 *
 * @param node the node's name
 * @param settings the driver's settings for this node
 * @param clock the clock drivers use for intervals and backoff (virtual in tests)
 */
public record DriverContext(String node, DriverSettings settings, Clock clock) {
  /** Validates that nothing is null and that the settings belong to the node. */
  public DriverContext {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    if (!settings.node().equals(node)) {
      throw new IllegalArgumentException(
          "settings are for node '" + settings.node() + "', not '" + node + "'");
    }
  }
}
