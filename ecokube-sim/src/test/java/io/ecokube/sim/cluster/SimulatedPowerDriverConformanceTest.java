package io.ecokube.sim.cluster;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.test.conformance.ConformanceMachine;
import io.ecokube.test.conformance.PowerDriverConformance;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Nested;

/**
 * The kit's conformance suite against the simulator's driver, with every capability and limited to
 * a wake-only driver. The simulated machine takes no credentials and has no socket to stall, so
 * those checks are skipped; unreachability is its injected network fault.
 */
class SimulatedPowerDriverConformanceTest {

  /** A simulated machine on the wall clock that boots and shuts down in 20 ms. */
  record Machine(SimulatedMachine machine) implements ConformanceMachine {
    @Override
    public PowerState state() {
      return machine.state();
    }

    @Override
    public void makeUnreachable() {
      machine.inject(SimulatedFailures.unreachableFor(1_000));
    }
  }

  private static Machine start(boolean on) {
    return new Machine(
        new SimulatedMachine(
            "conformance-sim", Clock.system(), Duration.ofMillis(20), Duration.ofMillis(20), on));
  }

  @Nested
  class EveryCapability extends PowerDriverConformance<Machine> {
    @Override
    protected Machine startMachine(String secret, boolean on) {
      return start(on);
    }

    @Override
    protected PowerDriver createDriver(Machine m, String secret, Duration timeout) {
      return new SimulatedPowerDriver(m.machine());
    }
  }

  @Nested
  class WakeOnly extends PowerDriverConformance<Machine> {
    @Override
    protected Machine startMachine(String secret, boolean on) {
      return start(on);
    }

    @Override
    protected PowerDriver createDriver(Machine m, String secret, Duration timeout) {
      return new SimulatedPowerDriver(m.machine(), EnumSet.of(PowerCapability.POWER_ON));
    }
  }
}
