package io.ecokube.power.ipmi;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import java.util.Map;
import java.util.Optional;

/**
 * Wall power per node from each node's BMC through DCMI Get Power Reading, read over the nodes'
 * {@link IpmiPowerDriver} sessions. A BMC without DCMI makes {@link #read} throw {@link
 * PowerException.Kind#UNSUPPORTED}; a node this meter has no driver for reads as empty.
 */
public final class IpmiDcmiPowerMeter implements PowerMeter {
  /** The meter name used in readings and logs. */
  public static final String NAME = "ipmi-dcmi";

  private final Map<String, IpmiPowerDriver> drivers;

  /**
   * Creates a meter over the given drivers; it does not own them (closing the meter leaves their
   * sessions open).
   *
   * @param drivers the driver of each node, by node name
   */
  public IpmiDcmiPowerMeter(Map<String, IpmiPowerDriver> drivers) {
    this.drivers = Map.copyOf(drivers);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<PowerReading> read(String node) throws PowerException {
    IpmiPowerDriver driver = drivers.get(node);
    return driver == null ? Optional.empty() : driver.readPower();
  }
}
