package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static io.ecokube.power.redfish.Fixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerReading;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.MeterStyle;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Chassis power readings from each of the places Redfish publishes them. */
class RedfishPowerMeterTest {
  private final VirtualSleeper sleeper = new VirtualSleeper();

  private Optional<PowerReading> read(SystemSpec spec) throws PowerException {
    try (RedfishEmulator em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(spec));
        RedfishDriver d = new RedfishDriver(NODE, settings(em).build(), sleeper.clock, sleeper);
        RedfishPowerMeter meter = new RedfishPowerMeter(Map.of(NODE, d))) {
      assertThat(meter.name()).isEqualTo("redfish");
      assertThat(meter.read("other-node")).isEmpty();
      return meter.read(NODE);
    }
  }

  @Test
  void readsEnvironmentMetrics() throws Exception {
    PowerReading r =
        read(SystemSpec.standard("s", "On").withMeter(MeterStyle.ENVIRONMENT_METRICS, 187.5))
            .orElseThrow();
    assertThat(r.watts()).isEqualTo(187.5);
    assertThat(r.node()).isEqualTo(NODE);
    assertThat(r.source()).isEqualTo("redfish");
    assertThat(r.wallPower()).isTrue();
    assertThat(r.at()).isEqualTo(sleeper.clock.now());
  }

  @Test
  void readsLegacyPowerControl() throws Exception {
    assertThat(read(SystemSpec.standard("s", "On").withMeter(MeterStyle.POWER_CONTROL, 344)))
        .map(PowerReading::watts)
        .contains(344.0);
  }

  @Test
  void sumsPowerSubsystemSupplies() throws Exception {
    assertThat(read(SystemSpec.standard("s", "On").withMeter(MeterStyle.POWER_SUBSYSTEM, 500)))
        .map(PowerReading::watts)
        .contains(500.0);
  }

  @Test
  void aChassisWithoutPowerResourcesIsUnsupported() {
    assertThatThrownBy(() -> read(SystemSpec.standard("s", "On").withMeter(MeterStyle.NONE, 0)))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("no power reading")
        .hasMessageContaining("/redfish/v1/Chassis/s-chassis");
  }

  @Test
  void aChassisCanBeChosenById() throws Exception {
    SystemSpec a = SystemSpec.standard("a", "On").withMeter(MeterStyle.POWER_CONTROL, 100);
    SystemSpec b = SystemSpec.standard("b", "On").withMeter(MeterStyle.POWER_CONTROL, 200);
    try (RedfishEmulator em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(a, b));
        RedfishDriver d =
            new RedfishDriver(
                NODE,
                settings(em).system("a").chassis("b-chassis").build(),
                sleeper.clock,
                sleeper)) {
      assertThat(d.readPower()).map(PowerReading::watts).contains(200.0);
      assertThat(em.requests()).anyMatch(r -> r.startsWith("GET /redfish/v1/Chassis/b-chassis "));
      assertThat(d.system().chassis()).containsExactly("/redfish/v1/Chassis/a-chassis");
    }
  }
}
