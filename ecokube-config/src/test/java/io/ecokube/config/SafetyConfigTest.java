package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.net.IpNetwork;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.core.driver.DriverRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code safety} section: every key, its default, its bounds, and the round trip. */
class SafetyConfigTest {
  private final DriverRegistry registry =
      DriverRegistry.builder().loadServices().secrets(SecretResolver.inMemory(Map.of())).build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void absentSectionKeepsTheHistoricalDefaults() {
    Safety s = loader.parse("nodes: []\n", "empty.yaml").safety();
    assertThat(s).isEqualTo(Safety.DEFAULT);
    assertThat(s.maintenanceAfter()).isEqualTo(3);
    assertThat(s.maxUnreadyShare()).isEqualTo(0.45);
    assertThat(s.okUnreadyCount()).isEqualTo(3);
    assertThat(s.acceptMacHint()).isTrue();
    assertThat(s.bmcNetworks()).isEmpty();
  }

  @Test
  void everyKeyIsReadAndRoundTrips() {
    EcoKubeConfig c =
        loader.parse(
            "safety:\n"
                + "  maintenanceAfter: 5\n"
                + "  clusterHealth: {maxUnreadyPercent: 20, okUnreadyCount: 1}\n"
                + "  nodeHints: {mac: false, bmcNetworks: [10.0.20.0/24, 'fd00:20::/64']}\n"
                + "nodes: []\n",
            "safety.yaml");
    Safety s = c.safety();
    assertThat(s.maintenanceAfter()).isEqualTo(5);
    assertThat(s.maxUnreadyShare()).isEqualTo(0.2);
    assertThat(s.okUnreadyCount()).isEqualTo(1);
    assertThat(s.acceptMacHint()).isFalse();
    assertThat(s.bmcNetworks())
        .containsExactly(IpNetwork.parse("10.0.20.0/24"), IpNetwork.parse("fd00:20::/64"));
    assertThat(loader.parse(ConfigWriter.toYaml(c), "written.yaml")).isEqualTo(c);
  }

  @Test
  void badValuesAreRefusedWithPathLineAndWhatIsAllowed() {
    String yaml =
        "safety:\n"
            + "  maintenanceAfter: 0\n"
            + "  clusterHealth: {maxUnreadyPercent: 120, okUnreadyCount: -1, okUnreadyCont: 2}\n"
            + "  nodeHints:\n"
            + "    mac: maybe\n"
            + "    bmcNetworks: [10.0.0.0/4, bmc.example/24, 10.1.0.0/33, 10.2.0.0]\n"
            + "nodes: []\n";
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "bad.yaml"));
    assertThat(e).isNotNull();
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "safety.maintenanceAfter: '0' is out of range; allowed 1..1000",
            "safety.clusterHealth.okUnreadyCont: unknown field; did you mean 'okUnreadyCount'?",
            "safety.clusterHealth.maxUnreadyPercent: '120' is out of range; allowed 0..100",
            "safety.clusterHealth.okUnreadyCount: '-1' is out of range; allowed 0..100000",
            "safety.nodeHints.mac: 'maybe' is not a boolean; use true or false",
            "safety.nodeHints.bmcNetworks[0]: '10.0.0.0/4' is too wide for BMC address hints"
                + " (shorter than /8); list only the networks your BMCs are on",
            "safety.nodeHints.bmcNetworks[1]: network 'bmc.example/24' must start with an IP"
                + " literal, not a name",
            "safety.nodeHints.bmcNetworks[2]: network '10.1.0.0/33': network prefix /33 must be"
                + " between 0 and 32",
            "safety.nodeHints.bmcNetworks[3]: network '10.2.0.0' must be a CIDR such as"
                + " 10.1.0.0/24");
    assertThat(e.problems())
        .filteredOn(p -> p.path().equals("safety.maintenanceAfter"))
        .singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(2));
  }

  @Test
  void sectionMustBeAMapping() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader.parse("safety: [1]\nnodes: []\n", "bad.yaml"));
    assertThat(e.errors()).containsExactly("safety: expected a mapping, got a list");
  }
}
