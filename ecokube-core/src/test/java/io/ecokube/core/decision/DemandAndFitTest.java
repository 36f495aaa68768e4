package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.GIB;
import static io.ecokube.core.decision.Scenario.action;
import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.state.NodeLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Demand and Fit stages: what must run, where it fits, and which node wakes for the rest. */
class DemandAndFitTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final WorkloadRef WEB = WorkloadRef.deployment("default", "web");

  @Test
  void pendingPodsThatFitOnActiveNodesWakeNothing() {
    Scenario s =
        new Scenario().active(worker("a").build()).running("a", 2000).off(worker("b").build(), DAY);
    s.pending(3, cpu(1000));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(p.heldBack()).isEmpty();
  }

  @Test
  void pendingPodsThatDoNotFitWakeAnOffNodeWithAReason() {
    Scenario s =
        new Scenario().active(worker("a").build()).running("a", 7500).off(worker("b").build(), DAY);
    s.pending(2, cpu(1000));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("b");
    assertThat(action(p, "b").orElseThrow().reason())
        .contains("2 pods do not fit on active or booting nodes")
        .contains("pending pods like default/pending-")
        .contains("W per core");
  }

  @Test
  void desiredReplicasCountOnlyTheMissingPods() {
    Scenario s = new Scenario().active(worker("a").build()).off(worker("b").build(), DAY);
    for (int i = 0; i < 6; i++) {
      s.owned(WEB, "a", 1000);
    }
    // 6 of 8 replicas exist; 2 more of 1 core fit on node a (6 + 2 = 8 cores): no wake.
    s.demand(
        new Demand(
            s.now,
            List.of(new WorkloadDemand(WEB, 8, cpu(1000), 0, "lag 80 / 10")),
            List.of(),
            Optional.empty()));
    assertThat(s.decide().actions()).isEmpty();

    // 10 replicas: 4 missing, only 2 fit on a: b wakes, and says why.
    s.demand(
        new Demand(
            s.now,
            List.of(new WorkloadDemand(WEB, 10, cpu(1000), 0, "lag 100 / 10")),
            List.of(),
            Optional.empty()));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("b");
    assertThat(action(p, "b").orElseThrow().reason()).contains("4 missing pods of " + WEB);
  }

  @Test
  void forecastPodsBeyondDesiredWakeEarly() {
    Scenario s = new Scenario().active(worker("a").build()).off(worker("b").build(), DAY);
    s.owned(WEB, "a", 4000);
    s.demand(
        new Demand(
            s.now,
            List.of(new WorkloadDemand(WEB, 1, cpu(4000), 0, "now")),
            List.of(new WorkloadDemand(WEB, 4, cpu(4000), 0, "forecast 4 within boot time")),
            Optional.empty()));
    Plan p = s.decide();
    // 1 exists; the forecast wants 3 more of 4 cores: 1 fits on a, 2 need b.
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("b");
    assertThat(action(p, "b").orElseThrow().reason()).contains("forecast pods");
  }

  @Test
  void bootingNodesCountAsCapacity() {
    Scenario s =
        new Scenario()
            .node(
                worker("a").build(),
                false,
                false,
                Scenario.rec(NodeLifecycle.BOOTING, Scenario.T0.minusSeconds(30)))
            .off(worker("b").build(), DAY);
    s.pending(4, cpu(1000));
    assertThat(s.decide().actions()).isEmpty();
  }

  @Test
  void nodeSelectorAffinityAndTaintsDecideWhichNodeWakes() {
    Scenario s =
        new Scenario()
            .active(worker("a").build())
            .off(worker("plain").build(), DAY)
            .off(
                worker("gpu")
                    .label("zone", "green")
                    .taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE))
                    .allocatable(new Resources(8000, 32 * GIB, 1, 110))
                    .build(),
                DAY);
    SchedulingRequirements needsGpu =
        new SchedulingRequirements(
            Resources.request(1000, GIB, 1),
            Map.of("zone", "green"),
            List.of(
                new NodeSelectorRequirement(
                    "zone", NodeSelectorRequirement.Operator.IN, Set.of("green"))),
            List.of(Toleration.equal("gpu", "true")));
    s.pending(1, needsGpu);
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("gpu");

    // A pod without the toleration cannot go to the tainted node even though it is labelled.
    Scenario t =
        new Scenario()
            .off(
                worker("gpu")
                    .label("zone", "green")
                    .taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE))
                    .build(),
                DAY);
    t.pending(
        1,
        new SchedulingRequirements(
            Resources.request(1000, GIB, 0), Map.of("zone", "green"), List.of(), List.of()));
    Plan p = t.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(p.heldBack())
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).contains("fit on no node"));
  }

  @Test
  void resourcesThatNoNodeHasAreReportedNotWoken() {
    Scenario s = new Scenario().off(worker("b").build(), DAY);
    s.pending(1, cpu(64000));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(p.heldBack().get(0).reason()).contains("64000m CPU");
  }

  @Test
  void cheapestWattsPerCoreWakesFirst() {
    PowerProfile hungry =
        new PowerProfile(5, 300, 500, 350, Duration.ofSeconds(180), Duration.ofSeconds(60));
    Scenario s =
        new Scenario()
            .off(worker("hungry").power(hungry).build(), Duration.ofDays(3))
            .off(worker("thrifty").build(), DAY)
            .off(
                worker("big").allocatable(new Resources(32000, 128 * GIB, 0, 110)).build(),
                Duration.ofHours(1));
    s.pending(1, cpu(1000));
    // big: 120 W / 32 cores = 3.75 W per core; thrifty 15 W; hungry 37.5 W.
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("big");
    assertThat(action(p, "big").orElseThrow().reason()).contains("3.8 W per core");
  }

  @Test
  void wearLevellingWakesTheNodeOffLongestAmongEquals() {
    Scenario s =
        new Scenario()
            .off(worker("recent").build(), Duration.ofHours(1))
            .off(worker("oldest").build(), Duration.ofDays(3))
            .off(worker("middle").build(), DAY);
    s.pending(1, cpu(1000));
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("oldest");
  }

  @Test
  void demandThatFitsBusyNodesLeavesIdleNodesFree() {
    Scenario s =
        new Scenario()
            .idle(worker("idle").build(), Duration.ofHours(1))
            .active(worker("busy").build())
            .running("busy", 1000);
    s.pending(2, cpu(1000));
    Plan p = s.decide();
    // The pods are placed on busy, so idle may still be drained.
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("idle");
  }

  @Test
  void demandReturningWhileDrainingUncordonsInsteadOfWaking() {
    Scenario s =
        new Scenario()
            .node(
                worker("d").build(),
                true,
                true,
                Scenario.rec(NodeLifecycle.DRAINING, Scenario.T0.minusSeconds(10)))
            .off(worker("off").build(), DAY);
    s.pending(2, cpu(1000));
    Plan p = s.decide();
    assertThat(p.actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.node()).isEqualTo("d");
              assertThat(a.type()).isEqualTo(ActionType.UNCORDON);
              assertThat(a.reason()).contains("demand returned while draining");
            });
  }
}
