package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memo only saves work: plans with and without it are the same, also when pods change. */
class NodeUsageMemoTest {
  private static final Instant NOW = Scenario.T0;

  private static DecisionInput input(List<ClusterNode> nodes, List<PodInfo> pods) {
    DecisionInput.Builder b =
        DecisionInput.builder(
            NOW, new ClusterSnapshot(NOW, nodes, pods), Demand.none(NOW), EnginePolicy.defaults());
    for (ClusterNode n : nodes) {
      b.record(n.name(), Scenario.rec(NodeLifecycle.ACTIVE, NOW.minus(Duration.ofDays(1))));
      b.emptySince(n.name(), NOW.minus(Duration.ofHours(1)));
    }
    return b.build();
  }

  @Test
  void aNodeWhosePodsChangedIsSummedAgain() {
    List<ClusterNode> nodes =
        List.of(
            new ClusterNode(worker("a").build(), true, false),
            new ClusterNode(worker("b").build(), true, false));
    PodInfo onA = PodInfo.running("default", "job", "a", cpu(1000));
    List<PodInfo> first = new ArrayList<>(List.of(onA));
    NodeUsageMemo memo = new NodeUsageMemo();

    DecisionInput in1 = input(nodes, first);
    Plan p1 = Decider.decide(in1, memo);
    assertThat(p1).isEqualTo(Decider.decide(in1));
    assertThat(nodesWith(p1, ActionType.DRAIN)).containsExactly("b");
    assertThat(memo.size()).isEqualTo(2);

    // The job finished: a new pod instance on a, same list size. The memo must notice.
    List<PodInfo> second = List.of(onA.withPlacement(PodPhase.SUCCEEDED, onA.node()));
    DecisionInput in2 = input(nodes, second);
    Plan p2 = Decider.decide(in2, memo);
    assertThat(p2).isEqualTo(Decider.decide(in2));
    assertThat(nodesWith(p2, ActionType.DRAIN)).containsExactlyInAnyOrder("a", "b");

    // A node that left the cluster is forgotten.
    DecisionInput in3 = input(List.of(nodes.get(1)), List.of());
    assertThat(Decider.decide(in3, memo)).isEqualTo(Decider.decide(in3));
    assertThat(memo.size()).isEqualTo(1);
  }

  @Test
  void nodesThatMovedInTheSnapshotAreFoundByName() {
    ClusterNode a = new ClusterNode(worker("a").build(), true, false);
    ClusterNode b = new ClusterNode(worker("b").build(), true, false);
    ClusterNode c = new ClusterNode(worker("c").build(), true, false);
    List<PodInfo> pods =
        List.of(
            PodInfo.running("default", "on-a", "a", cpu(1000)),
            PodInfo.running("default", "on-c", "c", cpu(2000)));
    NodeUsageMemo memo = new NodeUsageMemo();
    DecisionInput first = input(List.of(a, b, c), pods);
    assertThat(Decider.decide(first, memo)).isEqualTo(Decider.decide(first));

    // Same pods, the nodes in another order and one more: every node's totals must follow it.
    ClusterNode d = new ClusterNode(worker("d").build(), true, false);
    List<PodInfo> more = new ArrayList<>(pods);
    more.add(PodInfo.running("default", "on-d", "d", cpu(500)));
    DecisionInput moved = input(List.of(c, d, a, b), more);
    Plan p = Decider.decide(moved, memo);
    assertThat(p).isEqualTo(Decider.decide(moved));
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("b");
    assertThat(memo.size()).isEqualTo(4);
  }
}
