package io.ecokube.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatedMachineTest {
  private final ManualClock clock = new ManualClock();
  private final SimulatedMachine m =
      new SimulatedMachine("n1", clock, Duration.ofSeconds(60), Duration.ofSeconds(20), false);

  @Test
  void bootsAndShutsDownOnVirtualTime() throws Exception {
    m.powerOn();
    assertThat(m.state()).isEqualTo(PowerState.BOOTING);
    clock.advance(Duration.ofSeconds(60));
    assertThat(m.state()).isEqualTo(PowerState.ON);
    m.powerOff(PowerOffMode.GRACEFUL);
    assertThat(m.state()).isEqualTo(PowerState.SHUTTING_DOWN);
    clock.advance(Duration.ofSeconds(19));
    assertThat(m.state()).isEqualTo(PowerState.SHUTTING_DOWN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(m.state()).isEqualTo(PowerState.OFF);
    assertThat(m.powerOnRequests()).isEqualTo(1);
    assertThat(m.powerOffRequests()).isEqualTo(1);
  }

  @Test
  void aWakeDuringShutdownBootsAfterTheShutdown() throws Exception {
    m.powerOn();
    clock.advance(Duration.ofSeconds(60));
    m.powerOff(PowerOffMode.GRACEFUL);
    clock.advance(Duration.ofSeconds(10));
    m.powerOn();
    clock.advance(Duration.ofSeconds(10));
    assertThat(m.state()).isEqualTo(PowerState.BOOTING);
    clock.advance(Duration.ofSeconds(60));
    assertThat(m.state()).isEqualTo(PowerState.ON);
  }

  @Test
  void forcedOffIsImmediate() throws Exception {
    m.powerOn();
    clock.advance(Duration.ofSeconds(60));
    m.powerOff(PowerOffMode.FORCED);
    assertThat(m.state()).isEqualTo(PowerState.OFF);
  }

  @Test
  void neverBootingMachineStaysBooting() throws Exception {
    m.inject(SimulatedFailures.neverBooting());
    m.powerOn();
    clock.advance(Duration.ofHours(1));
    assertThat(m.state()).isEqualTo(PowerState.BOOTING);
    assertThat(m.nextTransition()).isEmpty();
  }

  @Test
  void failingPowerOffLeavesTheMachineOn() throws Exception {
    m.powerOn();
    clock.advance(Duration.ofSeconds(60));
    m.inject(SimulatedFailures.powerOffFailing());
    assertThatThrownBy(() -> m.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class,
            e -> assertThat(e.kind()).isEqualTo(PowerException.Kind.PROTOCOL));
    assertThat(m.state()).isEqualTo(PowerState.ON);
  }

  @Test
  void unreachableForNCallsThenAnswers() throws Exception {
    m.inject(SimulatedFailures.unreachableFor(2));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(m::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.UNREACHABLE);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "UNREACHABLE: node 'n1' at simulated-bmc: simulated network fault during"
                            + " read power state; check the injected failures");
              });
    }
    assertThat(m.readState()).isEqualTo(PowerState.OFF);
  }
}
