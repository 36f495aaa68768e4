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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The driver against OpenIPMI's ipmi_sim, cross-checked with ipmitool: what the driver sets,
 * ipmitool reads and the chassis hook received, and the reverse.
 */
class IpmiPowerDriverIT {
  @RegisterExtension static IpmiSimExtension bmc = new IpmiSimExtension();

  private static IpmiSim sim() {
    return bmc.sim();
  }

  @Test
  void powerOnByTheDriverIsSeenByIpmitool() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      driver.powerOn();
      assertThat(sim().chassisRequests()).containsExactly("set power 1");
      assertThat(sim().ipmitoolSaysOn()).isTrue();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
    }
  }

  @Test
  void powerChangedByIpmitoolIsReadByTheDriver() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      assertThat(sim().ipmitool("chassis", "power", "on").exitCode()).isZero();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
      assertThat(sim().ipmitool("chassis", "power", "off").exitCode()).isZero();
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    }
  }

  @Test
  void forcedPowerOffIsAHardChassisPowerOff() throws Exception {
    sim().ipmitool("chassis", "power", "on");
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      driver.powerOff(PowerOffMode.FORCED);
    }
    assertThat(sim().chassisRequests()).containsExactly("set power 1", "set power 0");
    assertThat(sim().ipmitoolSaysOn()).isFalse();
  }

  @Test
  void gracefulPowerOffIsAnAcpiSoftOff() throws Exception {
    sim().ipmitool("chassis", "power", "on");
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      driver.powerOff(PowerOffMode.GRACEFUL);
      assertThat(sim().chassisRequests()).containsExactly("set power 1", "set shutdown 1");
      assertThat(sim().ipmitoolSaysOn()).isFalse();
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    }
  }

  @Test
  void powerCycleTurnsTheMachineOffAndOnAgain() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      driver.powerOn();
      driver.powerCycle();
      // ipmi_sim powers the chassis off at once and back on about a second later.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sim().chassisRequests().size() == 3 && sim().poweredOn());
      assertThat(sim().chassisRequests())
          .containsExactly("set power 1", "set power 0", "set power 1");
      assertThat(sim().ipmitoolSaysOn()).isTrue();
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
    }
  }

  @Test
  void hardResetReachesTheChassis() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      driver.powerOn();
      driver.hardReset();
      assertThat(sim().chassisRequests()).containsExactly("set power 1", "set reset 1");
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
    }
  }

  @Test
  void aMachineThatNeverPowersOnStaysOff() throws Exception {
    sim().ignorePowerOn();
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      // The BMC accepts the request; only the state shows that nothing happened.
      driver.powerOn();
      assertThat(sim().chassisRequests()).containsExactly("set power 1");
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThat(sim().ipmitoolSaysOn()).isFalse();
    }
  }

  @Test
  void cipherSuite17IsTriedFirstAndFallsBackTo3() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim())) {
      driver.readState();
      assertThat(driver.cipherSuiteInUse()).hasValue(3);
    }
  }

  @Test
  void aBmcThatRefusesEveryOfferedSuiteIsUnsupported() {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim(), Map.of("cipherSuites", "17,16"))) {
      assertThatThrownBy(driver::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.UNSUPPORTED);
                assertThat(e.getMessage())
                    .contains("node 'n1'", "127.0.0.1:" + sim().port(), "[17, 16]", "cipherSuites");
              });
    }
  }

  @Test
  void otherSha1SuitesWorkToo() throws Exception {
    for (String suite : new String[] {"1", "2"}) {
      try (IpmiPowerDriver driver = Drivers.create("n1", sim(), Map.of("cipherSuites", suite))) {
        driver.powerOn();
        assertThat(driver.readState()).isEqualTo(PowerState.ON);
        assertThat(driver.cipherSuiteInUse()).hasValue(Integer.parseInt(suite));
        driver.powerOff(PowerOffMode.FORCED);
        assertThat(sim().ipmitoolSaysOn()).isFalse();
      }
    }
  }

  @Test
  void oneSessionServesManyCallsAndIsClosedCleanly() throws Exception {
    int opened = sim().simLogCount("Session started");
    int closed = sim().simLogCount("Closed due to request");
    IpmiPowerDriver driver = Drivers.create("n1", sim());
    for (int i = 0; i < 5; i++) {
      driver.readState();
    }
    driver.powerOn();
    assertThat(driver.sessionsOpened()).isEqualTo(1);
    assertThat(sim().simLogCount("Session started")).isEqualTo(opened + 1);
    driver.close();
    driver.close();
    assertThat(sim().simLogCount("Closed due to request")).isEqualTo(closed + 1);
  }

  @Test
  void anIdleSessionIsReplacedBeforeUse() throws Exception {
    ManualClock clock = new ManualClock();
    try (IpmiPowerDriver driver =
        Drivers.create("n1", sim(), Map.of("sessionIdleTimeout", "30s"), clock)) {
      driver.readState();
      clock.advance(Duration.ofSeconds(29));
      driver.readState();
      assertThat(driver.sessionsOpened()).isEqualTo(1);
      int closed = sim().simLogCount("Closed due to request");
      clock.advance(Duration.ofSeconds(30));
      driver.readState();
      assertThat(driver.sessionsOpened()).isEqualTo(2);
      // The replaced session is closed, not left to time out on the BMC.
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> sim().simLogCount("Closed due to request") == closed + 1);
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorThatNamesTheSecretNotItsValue() {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim(), Map.of("password", "mem:wrong"))) {
      assertThatThrownBy(driver::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.AUTHENTICATION);
                assertThat(e.kind().retryable()).isFalse();
                assertThat(e.getMessage())
                    .contains("node 'n1'", "127.0.0.1:" + sim().port(), "password", "mem:wrong")
                    .doesNotContain("not-the-password", IpmiSim.PASSWORD);
              });
    }
    assertThat(sim().chassisRequests()).isEmpty();
  }

  @Test
  void aWrongUserIsAnAuthenticationError() {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim(), Map.of("username", "nobody"))) {
      assertThatThrownBy(driver::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.AUTHENTICATION);
                assertThat(e.getMessage()).contains("'nobody'", "username");
              });
    }
  }

  @Test
  void userPrivilegeReadsStateButMayNotPower() throws Exception {
    try (IpmiPowerDriver driver = Drivers.create("n1", sim(), Map.of("privilege", "user"))) {
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThatThrownBy(driver::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.AUTHENTICATION);
                assertThat(e.getMessage()).contains("D4h", "privilege");
              });
      // A refused command leaves the session usable.
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThat(driver.sessionsOpened()).isEqualTo(1);
    }
    assertThat(sim().chassisRequests()).isEmpty();
  }

  @Test
  void cipherSuiteZeroIsRefusedUnlessExplicitlyAllowed() throws Exception {
    assertThatThrownBy(() -> Drivers.create("n1", sim(), Map.of("cipherSuites", "0")))
        .isInstanceOfSatisfying(
            DriverSettingsException.class,
            e -> {
              assertThat(e.key()).isEqualTo("cipherSuites");
              assertThat(e.getMessage()).contains("CVE-2013-4782", "allowCipherSuiteZero");
            });
    assertThatThrownBy(() -> Drivers.create("n1", sim(), Map.of("cipherSuites", "3,0")))
        .isInstanceOf(DriverSettingsException.class);
    // The simulator would accept suite 0: refusing it is the driver's job, and opting in works.
    try (IpmiPowerDriver driver =
        Drivers.create("n1", sim(), Map.of("cipherSuites", "0", "allowCipherSuiteZero", "true"))) {
      driver.powerOn();
      assertThat(driver.cipherSuiteInUse()).hasValue(0);
      assertThat(sim().ipmitoolSaysOn()).isTrue();
    }
  }

  @Test
  void dcmiPowerReadingIsUnsupportedOnIpmiSim() throws Exception {
    // ipmi_sim answers commands it lacks with D4h below administrator, C1h at administrator.
    try (IpmiPowerDriver driver =
        Drivers.create("n1", sim(), Map.of("privilege", "administrator"))) {
      assertThatThrownBy(() -> driver.powerMeter().read("n1"))
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.UNSUPPORTED);
                assertThat(e.getMessage()).contains("DCMI", "C1h");
              });
      assertThat(driver.powerMeter().read("some-other-node")).isEmpty();
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      assertThat(driver.sessionsOpened()).isEqualTo(1);
    }
    Ipmitool.Result r = sim().ipmitool("dcmi", "power", "reading");
    assertThat(r.output()).contains("Invalid command");
  }
}
