package io.ecokube.api.power;

import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of a power driver. A plugin jar lists its
 * implementation in {@code META-INF/services/io.ecokube.api.power.PowerDriverProvider}; config
 * names it by {@link #name()}.
 *
 * <p>{@link #create(DriverContext)} validates the settings and throws {@link
 * io.ecokube.api.power.DriverSettingsException} naming the key, the bad value and what is allowed;
 * it should not do network I/O, so that a whole config can be checked at load without touching
 * hardware.
 */
public interface PowerDriverProvider {

  /** The unique name config uses for this driver: {@code wol}, {@code ssh}, {@code ipmi}, ... */
  String name();

  /**
   * Builds a driver for one node.
   *
   * @throws DriverSettingsException when a setting is missing or invalid
   */
  PowerDriver create(DriverContext context);

  /**
   * Every setting key this driver understands. When the set is not empty, a node's settings with
   * any other key are rejected at load with a "did you mean" hint, so that a misspelt key (say
   * {@code strict-host-key-cheking: false}) is never silently ignored. The default, an empty set,
   * declares nothing and skips the check.
   */
  default Set<String> settingKeys() {
    return Set.of();
  }
}
