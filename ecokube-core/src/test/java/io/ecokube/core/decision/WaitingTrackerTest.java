package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.T0;
import static io.ecokube.core.decision.Scenario.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitingTrackerTest {
  private static final WorkloadRef W = WorkloadRef.deployment("batch", "w");
  private static final WorkloadRef P = WorkloadRef.deployment("batch", "p");

  private static Demand wants(int replicas) {
    return new Demand(
        T0,
        List.of(new WorkloadDemand(W, replicas, cpu(1000), 0, "lag")),
        List.of(),
        Optional.empty());
  }

  private static PodInfo pod(WorkloadRef owner, String node) {
    return new PodInfo(
        owner.namespace(),
        owner.name() + "-" + node,
        PodKind.WORKLOAD,
        node == null ? PodPhase.PENDING : PodPhase.RUNNING,
        Optional.ofNullable(node),
        cpu(1000),
        Optional.of(owner),
        0,
        Optional.empty());
  }

  @Test
  void aWaitStartsWhenDemandOutgrowsThePodsAndEndsWhenItIsMet() {
    WaitingTracker t = new WaitingTracker();
    ClusterSnapshot none = new ClusterSnapshot(T0, List.of(), List.of());
    assertThat(t.observe(T0, none, wants(1))).isEqualTo(Map.of(W, T0));
    // Still waiting a minute later: the start is kept.
    assertThat(t.observe(T0.plusSeconds(60), none, wants(1))).isEqualTo(Map.of(W, T0));
    // A running pod meets the demand: forgotten.
    ClusterSnapshot one = new ClusterSnapshot(T0, List.of(), List.of(pod(W, "n1")));
    assertThat(t.observe(T0.plusSeconds(120), one, wants(1))).isEmpty();
    // A new wait starts afresh; an unscheduled pod of another workload waits too.
    ClusterSnapshot pending =
        new ClusterSnapshot(T0, List.of(), List.of(pod(W, "n1"), pod(P, null)));
    assertThat(t.observe(T0.plusSeconds(180), pending, wants(2)))
        .isEqualTo(Map.of(W, T0.plusSeconds(180), P, T0.plusSeconds(180)));
  }
}
