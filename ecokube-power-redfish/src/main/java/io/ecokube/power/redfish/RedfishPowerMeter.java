package io.ecokube.power.redfish;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import java.util.Map;
import java.util.Optional;

/**
 * Chassis power draw of nodes through their Redfish drivers, as wall power. Per node it reads the
 * first figure its chassis publishes, in this order: {@code EnvironmentMetrics} {@code
 * PowerWatts.Reading} (current schema), {@code Power} {@code PowerControl[].PowerConsumedWatts}
 * (deprecated but common), then the sum of {@code PowerSubsystem} power supplies' {@code
 * InputPowerWatts.Reading} when every enabled supply reports one.
 *
 * <p>The meter reuses the drivers' sessions and does not own them: closing the meter leaves the
 * drivers open.
 */
public final class RedfishPowerMeter implements PowerMeter {
  private final Map<String, RedfishDriver> drivers;

  /**
   * Creates a meter.
   *
   * @param drivers the Redfish driver of each metered node, keyed by node name
   */
  public RedfishPowerMeter(Map<String, RedfishDriver> drivers) {
    this.drivers = Map.copyOf(drivers);
  }

  @Override
  public String name() {
    return RedfishDriver.NAME;
  }

  /**
   * Reads a node's chassis power; empty for a node this meter does not cover or whose chassis has
   * power resources but no figure right now.
   *
   * @throws PowerException {@link PowerException.Kind#UNSUPPORTED} when the chassis publishes no
   *     power resource at all, or the driver's transport and protocol errors
   */
  @Override
  public Optional<PowerReading> read(String node) throws PowerException {
    RedfishDriver d = drivers.get(node);
    return d == null ? Optional.empty() : d.readPower();
  }
}
