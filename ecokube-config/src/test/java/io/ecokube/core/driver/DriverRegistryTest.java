package io.ecokube.core.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverRegistryTest {
  private final ManualClock clock = new ManualClock();

  private static NodeSpec node(String name, DriverSpec... chain) {
    return NodeSpec.builder(name).address(new PowerAddress(List.of(chain))).build();
  }

  private static DriverSpec mac(String mac) {
    return new DriverSpec("mac-test", Map.of("mac", mac));
  }

  @Test
  void findsProvidersThroughServiceLoaderAndRegistration() {
    InMemoryCluster cluster = new InMemoryCluster(clock);
    try (DriverRegistry r =
        DriverRegistry.builder().loadServices().register(cluster.driverProvider()).build()) {
      assertThat(r.names()).containsExactly("mac-test", "sim");
      assertThat(r.provider("sim")).containsSame(cluster.driverProvider());
    }
  }

  @Test
  void duplicateNamesAreRejectedNamingBothClasses() {
    PowerDriverProvider other =
        new PowerDriverProvider() {
          @Override
          public String name() {
            return "mac-test";
          }

          @Override
          public PowerDriver create(DriverContext context) {
            throw new UnsupportedOperationException();
          }
        };
    assertThatThrownBy(() -> DriverRegistry.builder().loadServices().register(other).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "power driver names must be unique: 'mac-test' is provided by both"
                + " io.ecokube.core.driver.MacDriverProvider and ")
        .hasMessageEndingWith("; remove one of the jars or register only one");
  }

  @Test
  void unknownDriverNamesNodeFieldValueAndKnownDrivers() {
    try (DriverRegistry r = DriverRegistry.builder().loadServices().build()) {
      assertThatThrownBy(
              () ->
                  r.chainFor(
                      node("worker-3", mac("aa:bb:cc:dd:ee:ff"), new DriverSpec("wool", Map.of()))))
          .isInstanceOf(DriverConfigException.class)
          .hasMessage(
              "node 'worker-3': power.drivers[1].driver: 'wool' is not a known power driver;"
                  + " known: [mac-test] (add the driver's jar to the class path)");
    }
  }

  @Test
  void badSettingsNameTheSettingPath() {
    try (DriverRegistry r = DriverRegistry.builder().loadServices().build()) {
      List<DriverConfigException> problems =
          r.check("worker-3", List.of(mac("aa:bb:cc:dd:ee:ff"), mac("zz")));
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0).field()).isEqualTo("drivers[1].settings.mac");
      assertThat(problems.get(0).problem())
          .isEqualTo("'zz' is not a MAC address; use aa:bb:cc:dd:ee:ff");
    }
  }

  @Test
  void secretReferencesAreResolvedThroughTheResolverAndNeverShown() {
    try (DriverRegistry r =
        DriverRegistry.builder()
            .loadServices()
            .secrets(SecretResolver.standard(name -> null))
            .build()) {
      DriverSpec spec =
          new DriverSpec("mac-test", Map.of("mac", "aa:bb:cc:dd:ee:ff", "password", "env:BMC_PW"));
      List<DriverConfigException> problems = r.check("worker-3", List.of(spec));
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0).getMessage())
          .isEqualTo(
              "node 'worker-3': power.drivers[0].settings.password: cannot read secret env:BMC_PW:"
                  + " environment variable BMC_PW is not set; export it before starting");
    }
  }

  @Test
  void chainsAreCachedPerNodeRebuiltOnChangeAndClosedWithTheRegistry() {
    int created = MacDriverProvider.CREATED.get();
    int closed = MacDriverProvider.CLOSED.get();
    DriverRegistry r = DriverRegistry.builder().loadServices().build();
    NodeSpec n = node("worker-4", mac("aa:bb:cc:dd:ee:01"));
    List<PowerDriver> first = r.chainFor(n);
    assertThat(r.chainFor(n)).isSameAs(first);
    assertThat(MacDriverProvider.CREATED.get() - created).isEqualTo(1);

    List<PowerDriver> second = r.chainFor(node("worker-4", mac("aa:bb:cc:dd:ee:02")));
    assertThat(second).isNotSameAs(first);
    assertThat(MacDriverProvider.CLOSED.get() - closed).isEqualTo(1);

    r.close();
    assertThat(MacDriverProvider.CLOSED.get() - closed).isEqualTo(2);
  }

  @Test
  void simDriverDrivesTheClustersMachine() throws Exception {
    InMemoryCluster cluster = new InMemoryCluster(clock);
    NodeSpec spec =
        NodeSpec.builder("worker-5")
            .address(
                new PowerAddress(
                    List.of(new DriverSpec("sim", Map.of("bootTime", "30s", "can", "on,state")))))
            .build();
    cluster.addNode(spec, false);
    try (DriverRegistry r =
        DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build()) {
      PowerDriver d = r.chainFor(spec).get(0);
      d.powerOn();
      assertThat(d.readState()).isEqualTo(PowerState.BOOTING);
      clock.advance(java.time.Duration.ofSeconds(30));
      assertThat(d.readState()).isEqualTo(PowerState.ON);
      assertThatThrownBy(() -> d.powerOff(io.ecokube.api.power.PowerOffMode.GRACEFUL))
          .hasMessageContaining("configured without POWER_OFF_GRACEFUL");
    }
  }
}
