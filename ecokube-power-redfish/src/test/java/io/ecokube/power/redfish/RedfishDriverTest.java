package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static io.ecokube.power.redfish.Fixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.power.redfish.RedfishSystem.ResetTypesSource;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.ResetStyle;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery, state and resets against the emulator's own tree. */
class RedfishDriverTest {
  private final VirtualSleeper sleeper = new VirtualSleeper();
  private RedfishEmulator em;
  private RedfishDriver driver;

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
    if (em != null) {
      em.close();
    }
  }

  private RedfishDriver start(SystemSpec... systems) {
    em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(systems));
    driver = new RedfishDriver(NODE, settings(em).build(), sleeper.clock, sleeper);
    return driver;
  }

  @Test
  void discoversTheOnlySystemAndReadsItsState() throws Exception {
    SystemSpec spec = SystemSpec.standard("node7", "Off");
    start(spec);
    RedfishSystem sys = driver.system();
    assertThat(sys.uri()).isEqualTo("/redfish/v1/Systems/node7");
    assertThat(sys.hostName()).contains("node7.lab");
    assertThat(sys.resetTypes()).contains("On", "GracefulShutdown", "ForceOff");
    assertThat(sys.resetTypesSource()).isEqualTo(ResetTypesSource.INLINE);
    assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    em.powerState(spec.path(), "PoweringOn");
    assertThat(driver.readState()).isEqualTo(PowerState.BOOTING);
    em.powerState(spec.path(), "PoweringOff");
    assertThat(driver.readState()).isEqualTo(PowerState.SHUTTING_DOWN);
    assertThat(driver.capabilities()).containsExactlyInAnyOrder(PowerCapability.values());
    assertThat(driver.name()).isEqualTo("redfish");
  }

  @Test
  void unknownPowerStateIsAProtocolError() {
    SystemSpec spec = SystemSpec.standard("n", "On");
    start(spec);
    em.powerState(spec.path(), "Sideways");
    assertThatThrownBy(driver::readState)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
        .hasMessageContaining("Sideways")
        .hasMessageContaining(NODE)
        .hasMessageContaining("/redfish/v1/Systems/n");
  }

  @Test
  void powersOnOffGracefullyForcedAndCycles() throws Exception {
    SystemSpec spec = SystemSpec.standard("n1", "Off");
    start(spec);
    driver.powerOn();
    assertThat(em.powerState(spec.path())).isEqualTo("On");
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(em.powerState(spec.path())).isEqualTo("Off");
    em.powerState(spec.path(), "On");
    driver.powerOff(PowerOffMode.FORCED);
    assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    driver.powerCycle();
    assertThat(driver.readState()).isEqualTo(PowerState.ON);
    assertThat(em.resets(spec.path()))
        .containsExactly("On", "GracefulShutdown", "ForceOff", "PowerCycle");
  }

  @Test
  void actionsAlreadyInEffectSendNoReset() throws Exception {
    SystemSpec spec = SystemSpec.standard("n1", "On");
    start(spec);
    driver.powerOn();
    em.powerState(spec.path(), "Off");
    driver.powerOff(PowerOffMode.FORCED);
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(em.resets(spec.path())).isEmpty();
    assertThat(em.count("POST", "ComputerSystem.Reset")).isZero();
  }

  @Test
  void fallsBackToAllowedAlternatives() throws Exception {
    SystemSpec spec =
        SystemSpec.standard("n1", "Off")
            .withReset(
                List.of("ForceOn", "ForceOff", "PushPowerButton", "ForceRestart"),
                ResetStyle.INLINE);
    start(spec);
    driver.powerOn();
    driver.powerOff(PowerOffMode.GRACEFUL);
    driver.powerCycle();
    assertThat(em.resets(spec.path()))
        .containsExactly("ForceOn", "PushPowerButton", "ForceRestart");
    assertThat(em.powerState(spec.path())).isEqualTo("On");
  }

  @Test
  void aResetTypeTheBmcDoesNotAllowIsUnsupportedAndNotSent() {
    SystemSpec spec =
        SystemSpec.standard("n1", "On").withReset(List.of("On", "ForceOff"), ResetStyle.INLINE);
    start(spec);
    assertThatThrownBy(() -> driver.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("[On, ForceOff]")
        .hasMessageContaining("GracefulShutdown");
    assertThat(em.count("POST", "ComputerSystem.Reset")).isZero();
  }

  @Test
  void readsAllowedValuesFromActionInfo() throws Exception {
    SystemSpec spec =
        SystemSpec.standard("n1", "On")
            .withReset(List.of("On", "ForceOff", "PushPowerButton"), ResetStyle.ACTION_INFO);
    start(spec);
    RedfishSystem sys = driver.system();
    assertThat(sys.resetTypesSource()).isEqualTo(ResetTypesSource.ACTION_INFO);
    assertThat(sys.resetTypes()).containsExactly("On", "ForceOff", "PushPowerButton");
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(em.resets(spec.path())).containsExactly("PushPowerButton");
    assertThat(em.count("GET", "/ResetActionInfo")).isEqualTo(1);
  }

  @Test
  void withoutPublishedValuesSendsTheSpecificationDefaults() throws Exception {
    SystemSpec spec = SystemSpec.standard("n1", "Off").withReset(List.of(), ResetStyle.NONE);
    start(spec);
    assertThat(driver.system().resetTypesSource()).isEqualTo(ResetTypesSource.NOT_PUBLISHED);
    driver.powerOn();
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(em.resets(spec.path())).containsExactly("On", "GracefulShutdown");
  }

  @Test
  void aSystemWithoutResetActionReadsStateButCannotPower() throws Exception {
    SystemSpec spec = SystemSpec.standard("n1", "Off").withReset(List.of(), ResetStyle.NO_ACTION);
    start(spec);
    assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    assertThatThrownBy(driver::powerOn)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageContaining("#ComputerSystem.Reset");
  }

  @Test
  void severalSystemsNeedASelector() {
    start(SystemSpec.standard("a", "On"), SystemSpec.standard("b", "Off"));
    assertThatThrownBy(driver::readState)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageContaining("2 ComputerSystems")
        .hasMessageContaining("Id=a")
        .hasMessageContaining("Id=b")
        .hasMessageContaining("set system");
  }

  @Test
  void selectsBySystemIdUuidOrHostName() throws Exception {
    SystemSpec a = SystemSpec.standard("a", "On").withIdentity("11111111-aaaa", "alpha.lab");
    SystemSpec b = SystemSpec.standard("b", "Off").withIdentity("22222222-bbbb", "beta.lab");
    for (String selector : List.of("b", "22222222-BBBB", "beta.lab", "/redfish/v1/Systems/b")) {
      em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(a, b));
      try (RedfishDriver d =
          new RedfishDriver(NODE, settings(em).system(selector).build(), sleeper.clock, sleeper)) {
        assertThat(d.system().id()).as(selector).isEqualTo("b");
        assertThat(d.readState()).as(selector).isEqualTo(PowerState.OFF);
        d.powerOn();
        assertThat(em.powerState(a.path())).isEqualTo("On");
        assertThat(em.resets(a.path())).isEmpty();
        assertThat(em.resets(b.path())).containsExactly("On");
      }
      em.close();
    }
    em = null;
  }

  @Test
  void anAmbiguousOrUnknownSelectorFailsClearly() {
    SystemSpec a = SystemSpec.standard("a", "On").withIdentity("u-a", "shared.lab");
    SystemSpec b = SystemSpec.standard("b", "On").withIdentity("u-b", "shared.lab");
    em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(a, b));
    driver =
        new RedfishDriver(NODE, settings(em).system("shared.lab").build(), sleeper.clock, sleeper);
    assertThatThrownBy(driver::readState)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageContaining("ambiguous")
        .hasMessageContaining("Id=a")
        .hasMessageContaining("Id=b");
    driver.close();
    driver = new RedfishDriver(NODE, settings(em).system("gamma").build(), sleeper.clock, sleeper);
    assertThatThrownBy(driver::powerOn)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageContaining("no ComputerSystem matches system='gamma'")
        .hasMessageContaining("HostName=shared.lab");
  }
}
