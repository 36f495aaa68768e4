package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The driver with {@code protocol: lan} (IPMI 1.5) against ipmi_sim, cross-checked with {@code
 * ipmitool -I lan -A MD5}.
 */
class LanProtocolIT {
  @RegisterExtension static IpmiSimExtension bmc = new IpmiSimExtension();

  private static IpmiSim sim() {
    return bmc.sim();
  }

  private static IpmiPowerDriver lan(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>(Map.of("protocol", "lan"));
    m.putAll(overrides);
    return Drivers.create("n1", sim(), m);
  }

  private static boolean ipmitoolLanSaysOn() {
    Ipmitool.Result r = sim().ipmitoolLan("chassis", "power", "status");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).containsAnyOf("Chassis Power is on", "Chassis Power is off");
    return r.output().contains("Chassis Power is on");
  }

  @Test
  void statusOnAndOffAgreeWithIpmitoolOverLan() throws Exception {
    try (IpmiPowerDriver driver = lan(Map.of())) {
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThat(driver.cipherSuiteInUse()).isEmpty();
      driver.powerOn();
      assertThat(sim().chassisRequests()).containsExactly("set power 1");
      assertThat(ipmitoolLanSaysOn()).isTrue();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
      driver.powerOff(PowerOffMode.FORCED);
      assertThat(ipmitoolLanSaysOn()).isFalse();
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThat(sim().ipmitoolLan("chassis", "power", "on").exitCode()).isZero();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
      // Every call above ran in the one session opened first.
      assertThat(driver.sessionsOpened()).isEqualTo(1);
    }
    assertThat(sim().chassisRequests())
        .containsExactly("set power 1", "set power 0", "set power 1");
  }

  @Test
  void softOffIsAnAcpiShutdownOverLan() throws Exception {
    assertThat(sim().ipmitoolLan("chassis", "power", "on").exitCode()).isZero();
    try (IpmiPowerDriver driver = lan(Map.of())) {
      driver.powerOff(PowerOffMode.GRACEFUL);
      assertThat(sim().chassisRequests()).containsExactly("set power 1", "set shutdown 1");
      assertThat(ipmitoolLanSaysOn()).isFalse();
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    }
  }

  @Test
  void cycleAndResetReachTheChassisOverLan() throws Exception {
    try (IpmiPowerDriver driver = lan(Map.of())) {
      driver.powerOn();
      driver.hardReset();
      assertThat(sim().chassisRequests()).containsExactly("set power 1", "set reset 1");
      driver.powerCycle();
      // ipmi_sim powers the chassis off at once and back on about a second later.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sim().chassisRequests().size() == 4 && sim().poweredOn());
      assertThat(sim().chassisRequests())
          .containsExactly("set power 1", "set reset 1", "set power 0", "set power 1");
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationError() {
    // ipmi_sim drops an Activate Session with a bad auth code: keep the retransmissions short.
    try (IpmiPowerDriver driver =
        lan(Map.of("password", "mem:wrong", "responseTimeout", "200ms", "retries", "1"))) {
      assertThatThrownBy(driver::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.AUTHENTICATION);
                assertThat(e.getMessage())
                    .contains("node 'n1'", "127.0.0.1:" + sim().port(), "password", "mem:wrong")
                    .doesNotContain("not-the-password", IpmiSim.PASSWORD);
              });
    }
    assertThat(sim().chassisRequests()).isEmpty();
  }

  @Test
  void aWrongUserIsAnAuthenticationError() {
    try (IpmiPowerDriver driver = lan(Map.of("username", "nobody"))) {
      assertThatThrownBy(driver::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.AUTHENTICATION);
                assertThat(e.getMessage()).contains("nobody", "username");
              });
    }
  }

  @Test
  void authTypeNoneIsRefusedUnlessExplicitlyAllowed() throws Exception {
    assertThatThrownBy(() -> lan(Map.of("lanAuthType", "none")))
        .isInstanceOfSatisfying(
            DriverSettingsException.class,
            e -> {
              assertThat(e.key()).isEqualTo("lanAuthType");
              assertThat(e.getMessage()).contains("allowAuthTypeNone");
            });
    try (IpmiPowerDriver driver = lan(Map.of("lanAuthType", "none", "allowAuthTypeNone", "true"))) {
      driver.powerOn();
      assertThat(ipmitoolLanSaysOn()).isTrue();
    }
  }

  @Test
  void straightPasswordAndMd2WorkWhenChosen() throws Exception {
    assertThatThrownBy(() -> lan(Map.of("lanAuthType", "straight")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("allowStraightPassword");
    try (IpmiPowerDriver driver =
        lan(Map.of("lanAuthType", "straight", "allowStraightPassword", "true"))) {
      driver.powerOn();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
    }
    try (IpmiPowerDriver driver = lan(Map.of("lanAuthType", "md2"))) {
      driver.powerOff(PowerOffMode.FORCED);
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    }
    assertThat(ipmitoolLanSaysOn()).isFalse();
  }

  @Test
  void closingTheDriverClosesTheLanSession() throws Exception {
    int opened = sim().simLogCount("Session opened for user");
    int closed = sim().simLogCount("Closed due to request");
    try (IpmiPowerDriver driver = lan(Map.of())) {
      driver.readState();
      driver.readState();
    }
    assertThat(sim().simLogCount("Session opened for user")).isEqualTo(opened + 1);
    assertThat(sim().simLogCount("Closed due to request")).isEqualTo(closed + 1);
  }

  @Test
  void anIdleLanSessionIsClosedAndReplacedBeforeUse() throws Exception {
    ManualClock clock = new ManualClock();
    try (IpmiPowerDriver driver =
        Drivers.create(
            "n1", sim(), Map.of("protocol", "lan", "sessionIdleTimeout", "30s"), clock)) {
      driver.readState();
      int closed = sim().simLogCount("Closed due to request");
      clock.advance(Duration.ofSeconds(30));
      driver.readState();
      assertThat(driver.sessionsOpened()).isEqualTo(2);
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> sim().simLogCount("Closed due to request") == closed + 1);
    }
  }
}
