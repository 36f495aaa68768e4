package io.ecokube.core.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreferringPowerMeterTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static PowerMeter fixed(String name, boolean wall, Map<String, Double> watts) {
    return new PowerMeter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<PowerReading> read(String node) {
        Double w = watts.get(node);
        return w == null ? Optional.empty() : Optional.of(new PowerReading(node, w, T, name, wall));
      }
    };
  }

  private static PowerMeter failing(String name) {
    return new PowerMeter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<PowerReading> read(String node) throws PowerException {
        throw new PowerException(PowerException.Kind.UNREACHABLE, node, "bmc:623", "down");
      }
    };
  }

  @Test
  void wallPowerWinsOverPartialWhateverTheOrder() throws Exception {
    PowerMeter kepler = fixed("kepler", false, Map.of("a", 80.0, "b", 90.0));
    PowerMeter bmc = fixed("ipmi-dcmi", true, Map.of("a", 140.0));
    PreferringPowerMeter m = new PreferringPowerMeter(List.of(kepler, bmc));
    Map<String, PowerReading> r = m.readAll(List.of("a", "b", "c"));
    assertThat(r.get("a").source()).isEqualTo("ipmi-dcmi");
    assertThat(r.get("a").watts()).isEqualTo(140.0);
    assertThat(r.get("b").source()).isEqualTo("kepler");
    assertThat(r).doesNotContainKey("c");
  }

  @Test
  void firstListedWinsAmongEquals() throws Exception {
    PreferringPowerMeter m =
        new PreferringPowerMeter(
            List.of(
                fixed("redfish", true, Map.of("a", 150.0)), fixed("ipmi", true, Map.of("a", 1.0))));
    assertThat(m.read("a").orElseThrow().source()).isEqualTo("redfish");
  }

  @Test
  void aFailingMeterIsSkippedButAllFailingIsAnError() throws Exception {
    PreferringPowerMeter m =
        new PreferringPowerMeter(
            List.of(failing("bmc"), fixed("kepler", false, Map.of("a", 80.0))));
    assertThat(m.read("a").orElseThrow().watts()).isEqualTo(80.0);
    PreferringPowerMeter broken = new PreferringPowerMeter(List.of(failing("bmc")));
    assertThatThrownBy(() -> broken.read("a")).isInstanceOf(PowerException.class);
  }

  @Test
  void inOrderTheFirstListedMeterWinsEvenOverWallPower() throws Exception {
    PowerMeter kepler = fixed("kepler", false, Map.of("a", 80.0, "b", 90.0));
    PowerMeter bmc = fixed("ipmi-dcmi", true, Map.of("a", 150.0, "c", 170.0));
    Map<String, PowerReading> got =
        PreferringPowerMeter.inOrder(List.of(kepler, bmc)).readAll(List.of("a", "b", "c"));
    assertThat(got.get("a").source()).isEqualTo("kepler");
    assertThat(got.get("b").watts()).isEqualTo(90.0);
    assertThat(got.get("c").source()).isEqualTo("ipmi-dcmi");
    // The default keeps wall power first.
    assertThat(new PreferringPowerMeter(List.of(kepler, bmc)).read("a").orElseThrow().source())
        .isEqualTo("ipmi-dcmi");
  }
}
