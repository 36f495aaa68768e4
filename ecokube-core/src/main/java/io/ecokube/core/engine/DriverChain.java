package io.ecokube.core.engine;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerOffMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's drivers, ordered per operation. {@code NodeRecord.driverIndex} indexes the list of the
 * operation in progress: {@link #wake()} for a boot, {@link #powerOff()} for a shutdown.
 */
final class DriverChain {

  /** One way to power a node off: a driver and a mode. */
  record OffStep(PowerDriver driver, PowerOffMode mode) {}

  private final List<PowerDriver> wake = new ArrayList<>();
  private final List<OffStep> powerOff = new ArrayList<>();
  private final List<PowerDriver> readers = new ArrayList<>();

  DriverChain(List<PowerDriver> drivers) {
    List<PowerDriver> all = List.copyOf(drivers);
    for (PowerDriver d : all) {
      if (d.capabilities().contains(PowerCapability.POWER_ON)) {
        wake.add(d);
      }
      if (d.capabilities().contains(PowerCapability.READ_STATE)) {
        readers.add(d);
      }
      if (d.capabilities().contains(PowerCapability.POWER_OFF_GRACEFUL)) {
        powerOff.add(new OffStep(d, PowerOffMode.GRACEFUL));
      }
    }
    // Graceful first, in chain order; then the hard ones: SSH, IPMI soft, then IPMI hard.
    for (PowerDriver d : all) {
      if (d.capabilities().contains(PowerCapability.POWER_OFF_FORCED)) {
        powerOff.add(new OffStep(d, PowerOffMode.FORCED));
      }
    }
  }

  List<PowerDriver> wake() {
    return wake;
  }

  List<OffStep> powerOff() {
    return powerOff;
  }

  List<PowerDriver> readers() {
    return readers;
  }
}
