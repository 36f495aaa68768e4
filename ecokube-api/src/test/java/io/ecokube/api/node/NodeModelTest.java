package io.ecokube.api.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.SchedulingRequirements;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeModelTest {
  @Test
  void breakEvenIsTheCycleEnergyOverIdlingCost() {
    // (200 - 10) W x (100 + 50) s = 28,500 J extra per cycle; idling costs 90 W over off.
    PowerProfile p =
        new PowerProfile(10, 100, 300, 200, Duration.ofSeconds(100), Duration.ofSeconds(50));
    assertThat(p.cycleExtraJoules()).isEqualTo(28_500.0);
    assertThat(p.breakEven()).isEqualTo(Duration.ofMillis(316_667));
    assertThat(p.wattsAt(0.5)).isEqualTo(200.0);
    assertThat(p.wattsAt(2)).isEqualTo(300.0);
  }

  @Test
  void impossibleProfilesAreRejected() {
    assertThatThrownBy(() -> new PowerProfile(50, 40, 300, 200, Duration.ZERO, Duration.ZERO))
        .hasMessage("idleWatts must be greater than offWatts (50.0), got 40.0");
    assertThatThrownBy(() -> new PowerProfile(5, 100, 90, 200, Duration.ZERO, Duration.ZERO))
        .hasMessage("maxWatts must be >= idleWatts (100.0), got 90.0");
  }

  @Test
  void resourcesAddAndFit() {
    Resources node = new Resources(8000, 32L << 30, 1, 110);
    Resources pod = Resources.request(2000, 4L << 30, 0);
    assertThat(pod.times(4).fitsIn(node)).isTrue();
    assertThat(pod.times(5).fitsIn(node)).isFalse();
    assertThat(node.minusFloored(pod.times(5)).cpuMillis()).isZero();
    assertThatThrownBy(() -> new Resources(-1, 0, 0, 0))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void schedulingHonoursSelectorsAffinityAndTaints() {
    NodeSpec gpu =
        NodeSpec.builder("gpu-1")
            .label("gpu", "true")
            .label("zone", "green")
            .taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE))
            .taint(new Taint("soft", "", TaintEffect.PREFER_NO_SCHEDULE))
            .build();
    Resources r = Resources.request(100, 0, 0);
    assertThat(SchedulingRequirements.of(r).admits(gpu)).as("untolerated NoSchedule").isFalse();
    SchedulingRequirements tolerant =
        new SchedulingRequirements(
            r, Map.of("gpu", "true"), List.of(), List.of(Toleration.equal("gpu", "true")));
    assertThat(tolerant.admits(gpu)).isTrue();
    SchedulingRequirements wrongZone =
        new SchedulingRequirements(
            r,
            Map.of(),
            List.of(
                new NodeSelectorRequirement(
                    "zone", NodeSelectorRequirement.Operator.NOT_IN, Set.of("green"))),
            List.of(Toleration.exists("gpu")));
    assertThat(wrongZone.admits(gpu)).isFalse();
    Toleration everything =
        new Toleration(Optional.empty(), Toleration.Operator.EXISTS, "", Optional.empty());
    assertThat(everything.tolerates(new Taint("any", "x", TaintEffect.NO_EXECUTE))).isTrue();
    assertThat(
            new Toleration(
                    Optional.of("gpu"),
                    Toleration.Operator.EQUAL,
                    "true",
                    Optional.of(TaintEffect.NO_EXECUTE))
                .tolerates(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE)))
        .as("effect must match when given")
        .isFalse();
  }

  @Test
  void protectedControlPlaneAndUnmanagedNodesAreNotPowerManageable() {
    PowerAddress wol =
        new PowerAddress(List.of(new DriverSpec("wol", Map.of("mac", "aa:bb:cc:dd:ee:ff"))));
    assertThat(NodeSpec.builder("a").address(wol).build().powerManageable()).isTrue();
    assertThat(NodeSpec.builder("b").address(wol).protectedNode(true).build().powerManageable())
        .isFalse();
    assertThat(NodeSpec.builder("c").address(wol).controlPlane(true).build().powerManageable())
        .isFalse();
    assertThat(NodeSpec.builder("d").build().powerManageable()).isFalse();
  }
}
