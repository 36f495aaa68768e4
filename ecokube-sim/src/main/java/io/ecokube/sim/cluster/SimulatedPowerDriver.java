package io.ecokube.sim.cluster;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link PowerDriver} for a {@link SimulatedMachine}. It can be limited to some capabilities, so
 * a simulation can stand in for a wake-only driver (Wake-on-LAN) followed by an off-only one (SSH).
 */
public final class SimulatedPowerDriver implements PowerDriver {
  private final SimulatedMachine machine;
  private final Set<PowerCapability> capabilities;
  private volatile boolean closed;

  /** A driver that can do everything. */
  public SimulatedPowerDriver(SimulatedMachine machine) {
    this(machine, EnumSet.allOf(PowerCapability.class));
  }

  /** A driver limited to the given capabilities. */
  public SimulatedPowerDriver(SimulatedMachine machine, Set<PowerCapability> capabilities) {
    this.machine = Objects.requireNonNull(machine, "machine");
    if (capabilities.isEmpty()) {
      throw new IllegalArgumentException("a simulated driver needs at least one capability");
    }
    this.capabilities = Set.copyOf(capabilities);
  }

  @Override
  public String name() {
    return SimulatedDriverProvider.NAME;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void powerOn() throws PowerException {
    require(PowerCapability.POWER_ON);
    machine.powerOn();
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    require(
        mode == PowerOffMode.FORCED
            ? PowerCapability.POWER_OFF_FORCED
            : PowerCapability.POWER_OFF_GRACEFUL);
    machine.powerOff(mode);
  }

  @Override
  public PowerState readState() throws PowerException {
    require(PowerCapability.READ_STATE);
    return machine.readState();
  }

  private void require(PowerCapability c) throws PowerException {
    if (closed) {
      throw new PowerException(
          PowerException.Kind.CONFIGURATION,
          machine.node(),
          "simulated-bmc",
          "this driver is closed; the engine builds a new one after a reload");
    }
    if (!capabilities.contains(c)) {
      throw new PowerException(
          PowerException.Kind.UNSUPPORTED,
          machine.node(),
          "simulated-bmc",
          "this simulated driver was configured without " + c);
    }
  }

  /** Later calls fail, as with a real driver whose sessions were released. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "SimulatedPowerDriver[" + machine.node() + ", " + capabilities + "]";
  }
}
