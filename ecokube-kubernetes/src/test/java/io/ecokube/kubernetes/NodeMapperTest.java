package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Taint;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeMapperTest {
  private static final PowerProfile SMALL =
      new PowerProfile(2, 40, 90, 60, Duration.ofSeconds(60), Duration.ofSeconds(20));

  @Test
  void nodeGivesPoolAndMacHintConfigGivesDriversAndSettings() {
    NodeSpec configured =
        NodeSpec.builder("w1")
            .pool("from-config")
            .power(SMALL)
            .address(
                new PowerAddress(
                    List.of(
                        new DriverSpec("wol", Map.of("broadcast", "10.0.0.255")),
                        new DriverSpec(
                            "ipmi", Map.of("username", "admin", "password", "k8s:infra/bmc/pw")))))
            .build();
    V1Node n =
        FakeApiServer.node(
            "w1",
            true,
            Map.of(EcoKubeKeys.POOL, "gpu"),
            Map.of(
                EcoKubeKeys.MAC,
                "aa:bb:cc:dd:ee:ff",
                EcoKubeKeys.POWER_SETTING_PREFIX + "ipmi.username",
                "operator"));
    NodeMapper.Mapping m = NodeMapper.map(n, Optional.of(configured), NodeHintPolicy.DEFAULT);
    assertThat(m.refused()).singleElement().asString().contains("ipmi.username");
    ClusterNode c = m.node();
    assertThat(c.ready()).isTrue();
    assertThat(c.cordoned()).isFalse();
    assertThat(c.spec().pool()).isEqualTo("gpu");
    assertThat(c.spec().power()).isEqualTo(SMALL);
    assertThat(c.spec().allocatable().cpuMillis()).isEqualTo(4000);
    assertThat(c.spec().allocatable().pods()).isEqualTo(110);
    List<DriverSpec> chain = c.spec().address().chain();
    assertThat(chain).extracting(DriverSpec::driver).containsExactly("wol", "ipmi");
    assertThat(chain.get(0).settings())
        .containsEntry("mac", "aa:bb:cc:dd:ee:ff")
        .containsEntry("broadcast", "10.0.0.255");
    assertThat(chain.get(1).settings())
        .doesNotContainKey("host")
        .containsEntry("username", "admin")
        .containsEntry("password", "k8s:infra/bmc/pw");
    assertThat(c.spec().powerManageable()).isTrue();
  }

  @Test
  void unconfiguredNodeIsUnmanagedAndNotReadyIsSeen() {
    ClusterNode c =
        NodeMapper.map(
                FakeApiServer.node("w2", false, Map.of(), Map.of()),
                Optional.empty(),
                NodeHintPolicy.DEFAULT)
            .node();
    assertThat(c.spec().address().managed()).isFalse();
    assertThat(c.spec().pool()).isEqualTo("default");
    assertThat(c.ready()).isFalse();
  }

  @Test
  void protectionAndControlPlane() {
    for (String key :
        List.of(
            EcoKubeKeys.CA_SCALE_DOWN_DISABLED,
            EcoKubeKeys.KARPENTER_DO_NOT_DISRUPT,
            EcoKubeKeys.PROTECTED)) {
      ClusterNode c =
          NodeMapper.map(
                  FakeApiServer.node("w", true, Map.of(), Map.of(key, "true")),
                  Optional.of(
                      NodeSpec.builder("w")
                          .address(new PowerAddress(List.of(new DriverSpec("wol", Map.of()))))
                          .build()),
                  NodeHintPolicy.DEFAULT)
              .node();
      assertThat(c.spec().protectedNode()).as(key).isTrue();
      assertThat(c.spec().powerManageable()).as(key).isFalse();
    }
    ClusterNode cp =
        NodeMapper.map(
                FakeApiServer.node(
                    "cp", true, Map.of(EcoKubeKeys.CONTROL_PLANE_ROLE, ""), Map.of()),
                Optional.empty(),
                NodeHintPolicy.DEFAULT)
            .node();
    assertThat(cp.spec().controlPlane()).isTrue();
  }

  @Test
  void ownAndNodeStateTaintsAreLeftOutOthersKept() {
    V1Node n = FakeApiServer.node("w", false, Map.of(), Map.of());
    n.spec(
        new V1NodeSpec()
            .unschedulable(true)
            .taints(
                List.of(
                    new V1Taint()
                        .key(EcoKubeKeys.POWERED_OFF_TAINT)
                        .value("true")
                        .effect("NoSchedule"),
                    new V1Taint().key("node.kubernetes.io/unreachable").effect("NoExecute"),
                    new V1Taint().key("dedicated").value("gpu").effect("NoSchedule"))));
    ClusterNode c = NodeMapper.map(n, Optional.empty(), NodeHintPolicy.DEFAULT).node();
    assertThat(c.cordoned()).isTrue();
    assertThat(c.spec().taints()).extracting(Taint::key).containsExactly("dedicated");
  }

  @Test
  void configEntryForAnotherNodeIsRejected() {
    assertThatThrownBy(
            () ->
                NodeMapper.map(
                    FakeApiServer.node("w1", true, Map.of(), Map.of()),
                    Optional.of(NodeSpec.builder("w9").build()),
                    NodeHintPolicy.DEFAULT))
        .hasMessageContaining("w9")
        .hasMessageContaining("w1");
  }
}
