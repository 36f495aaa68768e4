package io.ecokube.api.node;

import java.util.Map;
import java.util.Objects;

/**
 * One power driver for a node: the provider's name and its settings. Secret settings hold
 * references ({@code file:}, {@code env:}), so this record is safe to log.
 *
 * @param driver the {@link io.ecokube.api.power.PowerDriverProvider#name() provider name}
 * @param settings the driver's settings
 */
public record DriverSpec(String driver, Map<String, String> settings) {
  /** Validates and copies. */
  public DriverSpec {
    Objects.requireNonNull(driver, "driver");
    if (driver.isBlank()) {
      throw new IllegalArgumentException("driver name must not be blank");
    }
    settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
  }
}
