package io.ecokube.core.decision.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rankers by name: the built-in ones, a plugin's through ServiceLoader, and unknown names. */
class WakeRankersTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void knowsTheBuiltInRankersAndTheServiceLoaderOne() {
    assertThat(WakeRankers.names())
        .containsExactly(
            "greenest", "least-waste", "least-watts", "priority", ByNameDescendingProvider.NAME);
    assertThat(WakeRankers.named("least-watts")).isInstanceOf(LeastWattsRanker.class);
    assertThat(WakeRankers.named(ByNameDescendingProvider.NAME).name())
        .isEqualTo(ByNameDescendingProvider.NAME);
  }

  @Test
  void anUnknownNameFailsWhenThePolicyIsBuiltListingTheKnownNames() {
    assertThatThrownBy(() -> EnginePolicy.builder().wakeRanker("cheapest").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown wakeRanker 'cheapest'")
        .hasMessageContaining(
            "known rankers: greenest, least-waste, least-watts, priority, "
                + ByNameDescendingProvider.NAME)
        .hasMessageContaining("WakeRankerProvider");
  }

  @Test
  void aPluginRankerFromServiceLoaderDecidesTheWakeOrder() {
    PowerAddress addr = new PowerAddress(List.of(new DriverSpec("sim", Map.of())));
    NodeRecord off =
        new NodeRecord(NodeLifecycle.OFF, NOW, List.of(), Optional.of(NOW), 0, 0, Optional.empty());
    // "a" is by far the cheapest; the plugin wakes "z", last by name.
    List<ClusterNode> nodes =
        List.of(node("a", 60, addr), node("m", 120, addr), node("z", 200, addr));
    PodInfo pod =
        PodInfo.pending(
            "default", "p", SchedulingRequirements.of(Resources.request(1000, 1L << 30, 0)));
    for (String ranker : List.of("least-watts", ByNameDescendingProvider.NAME)) {
      DecisionInput in =
          DecisionInput.builder(
                  NOW,
                  new ClusterSnapshot(NOW, nodes, List.of(pod)),
                  Demand.none(NOW),
                  EnginePolicy.builder().wakeRanker(ranker).build())
              .records(Map.of("a", off, "m", off, "z", off))
              .build();
      Plan p = Decider.decide(in);
      List<PlannedAction> wakes =
          p.actions().stream().filter(a -> a.type() == ActionType.WAKE).toList();
      assertThat(wakes).hasSize(1);
      assertThat(wakes.get(0).node()).isEqualTo(ranker.equals("least-watts") ? "a" : "z");
      if (!ranker.equals("least-watts")) {
        assertThat(wakes.get(0).reason()).endsWith("z takes 1 of them and is last by name");
      }
    }
  }

  private static ClusterNode node(String name, double idleWatts, PowerAddress addr) {
    NodeSpec spec =
        NodeSpec.builder(name)
            .allocatable(new Resources(8000, 32L << 30, 0, 110))
            .power(
                new PowerProfile(
                    5,
                    idleWatts,
                    300,
                    200,
                    java.time.Duration.ofSeconds(180),
                    java.time.Duration.ofSeconds(60)))
            .address(addr)
            .build();
    return new ClusterNode(spec, false, true);
  }
}
