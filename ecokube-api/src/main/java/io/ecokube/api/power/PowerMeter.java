package io.ecokube.api.power;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Measures how many watts nodes draw (Kepler through Prometheus, a BMC through IPMI DCMI or
 * Redfish). Accounting prefers measured watts to the power model where a meter has them; a
 * wall-power reading ({@link PowerReading#wallPower()}) wins over a partial one.
 */
public interface PowerMeter extends AutoCloseable {

  /**
   * The meter's name for logs and precedence ({@code kepler}, {@code ipmi-dcmi}, {@code redfish}).
   */
  String name();

  /**
   * The latest reading for a node, or empty when this meter has no fresh figure for it.
   *
   * @throws PowerException when the meter cannot be read at all ({@link
   *     PowerException.Kind#UNSUPPORTED} when the endpoint has no power readings)
   */
  Optional<PowerReading> read(String node) throws PowerException;

  /** Readings for several nodes; nodes without a fresh figure are absent from the result. */
  default Map<String, PowerReading> readAll(Collection<String> nodes) throws PowerException {
    Map<String, PowerReading> out = new LinkedHashMap<>();
    for (String n : nodes) {
      read(n).ifPresent(r -> out.put(n, r));
    }
    return out;
  }

  /** Releases connections. Never throws. */
  @Override
  default void close() {}
}
