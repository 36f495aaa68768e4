package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.time.ManualClock;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class IpmiPowerDriverProviderTest {

  static PowerDriverProvider provider() {
    return ServiceLoader.load(PowerDriverProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("ipmi"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no provider named ipmi on the class path"));
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertThat(provider()).isInstanceOf(IpmiPowerDriverProvider.class);
  }

  @Test
  void createsADriverWithoutTouchingTheNetwork() {
    // .invalid never resolves: creation must not try.
    DriverContext ctx =
        new DriverContext(
            "node-7", IpmiSettingsTest.settings(Map.of("host", "bmc.invalid")), new ManualClock());
    try (PowerDriver d = provider().create(ctx)) {
      assertThat(d.name()).isEqualTo("ipmi");
      assertThat(d.capabilities()).containsExactlyInAnyOrder(PowerCapability.values());
      assertThat(d.toString()).contains("node-7", "bmc.invalid:623").doesNotContain("hunter2");
    }
  }

  @Test
  void invalidSettingsFailAtCreation() {
    DriverContext ctx =
        new DriverContext(
            "node-7", IpmiSettingsTest.settings(Map.of("cipherSuites", "0")), new ManualClock());
    assertThatThrownBy(() -> provider().create(ctx))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("node 'node-7'");
  }
}
