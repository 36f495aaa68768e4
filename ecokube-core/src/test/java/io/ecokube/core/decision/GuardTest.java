package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.held;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Each guard rule, applied to proposals made by hand (so no earlier stage can hide it). */
class GuardTest {
  private static final NodeSpec A = worker("a").build();

  private static Guard.Verdict guard(Scenario s, PlannedAction... proposed) {
    return Guard.apply(s.input(), List.of(proposed));
  }

  private static PlannedAction drain(String node) {
    return new PlannedAction(node, ActionType.DRAIN, "test");
  }

  private static PlannedAction powerOff(String node) {
    return new PlannedAction(node, ActionType.POWER_OFF, "test");
  }

  private static Scenario draining(NodeSpec spec) {
    return new Scenario()
        .node(spec, true, true, Scenario.rec(NodeLifecycle.DRAINING, Scenario.T0.minusSeconds(5)));
  }

  @Test
  void neverPowersOffOrDrainsANodeRunningAWorkloadPod() {
    Guard.Verdict v = guard(new Scenario().active(A).running("a", 100), drain("a"));
    assertThat(v.allowed()).isEmpty();
    assertThat(v.refused().get(0).reason()).contains("runs workload pod default/run-0");

    Guard.Verdict off = guard(draining(A).running("a", 100), powerOff("a"));
    assertThat(off.allowed()).isEmpty();

    // A pending pod bound to the node (starting) is work too.
    Scenario starting =
        draining(A)
            .pod(
                new PodInfo(
                    "default",
                    "starting",
                    PodKind.WORKLOAD,
                    PodPhase.PENDING,
                    Optional.of("a"),
                    cpu(100),
                    Optional.empty(),
                    0,
                    Optional.empty()));
    assertThat(guard(starting, powerOff("a")).allowed()).isEmpty();
  }

  @Test
  void daemonSetMirrorAndFinishedPodsDoNotBlock() {
    Scenario s =
        draining(A)
            .daemonSet("a")
            .mirror("a")
            .pod(
                new PodInfo(
                    "default",
                    "done",
                    PodKind.WORKLOAD,
                    PodPhase.SUCCEEDED,
                    Optional.of("a"),
                    cpu(100),
                    Optional.empty(),
                    0,
                    Optional.empty()));
    assertThat(guard(s, powerOff("a")).allowed()).hasSize(1);
  }

  @Test
  void protectedControlPlaneAndUnmanagedNodesAreNeverPoweredOff() {
    NodeSpec prot = worker("p").protectedNode(true).build();
    NodeSpec cp = worker("cp").controlPlane(true).build();
    NodeSpec unmanaged = worker("u").address(PowerAddress.UNMANAGED).build();
    Scenario s = new Scenario().active(prot).active(cp).active(unmanaged);
    Guard.Verdict v = guard(s, drain("p"), drain("cp"), drain("u"));
    assertThat(v.allowed()).isEmpty();
    assertThat(v.refused())
        .extracting(h -> h.reason())
        .anySatisfy(r -> assertThat(r).contains("p is protected"))
        .anySatisfy(r -> assertThat(r).contains("control-plane"))
        .anySatisfy(r -> assertThat(r).contains("unmanaged"));

    // And the full decision never even proposes them, however long they idle.
    Scenario idle =
        new Scenario()
            .idle(prot, Duration.ofDays(2))
            .idle(cp, Duration.ofDays(2))
            .idle(unmanaged, Duration.ofDays(2));
    assertThat(idle.decide().actions()).isEmpty();
  }

  @Test
  void poolMinimumIsKept() {
    EnginePolicy policy =
        EnginePolicy.builder()
            .pool("workers", new PoolPolicy(2, 0, OptionalDouble.empty(), Optional.empty()))
            .build();
    Scenario s =
        new Scenario()
            .policy(policy)
            .idle(A, Duration.ofHours(3))
            .idle(worker("b").build(), Duration.ofHours(2))
            .idle(worker("c").build(), Duration.ofHours(1));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("a");
    assertThat(held(p, ActionType.DRAIN))
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.reason()).contains("below its minActive 2"));
  }

  @Test
  void staleDemandBlocksScaleDownButNotWake() {
    Scenario s =
        new Scenario()
            .idle(A, Duration.ofHours(1))
            .off(worker("b").build(), Duration.ofDays(1))
            .active(worker("busy").build())
            .running("busy", 8000);
    s.pending(1, cpu(1000));
    s.demand(new Demand(s.now, List.of(), List.of(), Optional.of("kafka unreachable")));
    // a idles, but demand is stale: it stays; the pending pod fits on a (idle) so no wake.
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.DRAIN)).isEmpty();

    Scenario w =
        new Scenario()
            .idle(A, Duration.ofHours(1))
            .daemonSet("a")
            .off(worker("b").build(), Duration.ofDays(1));
    w.pending(1, cpu(8000));
    w.demand(new Demand(w.now, List.of(), List.of(), Optional.of("kafka unreachable")));
    Plan q = w.decide();
    assertThat(nodesWith(q, ActionType.WAKE)).containsExactly("b");
    assertThat(nodesWith(q, ActionType.DRAIN)).isEmpty();
    assertThat(held(q, ActionType.DRAIN))
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).contains("demand is stale (kafka unreachable)"));
  }

  @Test
  void demandOlderThanDemandStaleAfterCountsAsStale() {
    Scenario s = new Scenario().idle(A, Duration.ofHours(1));
    s.demand(Demand.none(s.now.minusSeconds(31)));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(held(p, ActionType.DRAIN).get(0).reason())
        .contains("longer than demandStaleAfter 30 s");
  }

  @Test
  void unknownAndFailedNodesOnlyGetProbed() {
    Scenario s =
        new Scenario()
            .node(A, true, false, Scenario.rec(NodeLifecycle.UNKNOWN, Scenario.T0))
            .node(
                worker("f").build(), false, true, Scenario.rec(NodeLifecycle.FAILED, Scenario.T0));
    Guard.Verdict v =
        guard(
            s,
            drain("a"),
            new PlannedAction("f", ActionType.WAKE, "test"),
            new PlannedAction("a", ActionType.PROBE, "test"));
    assertThat(v.allowed()).extracting(PlannedAction::type).containsExactly(ActionType.PROBE);
    assertThat(v.refused())
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.reason()).contains("only PROBE is allowed"));
  }

  @Test
  void atMostOneActionPerNodeAndNoneWhileInFlight() {
    Scenario s = new Scenario().active(A).active(worker("b").build()).inFlight("b");
    Guard.Verdict v =
        guard(s, drain("a"), new PlannedAction("a", ActionType.UNCORDON, "test"), drain("b"));
    assertThat(v.allowed()).containsExactly(drain("a"));
    assertThat(v.refused())
        .extracting(h -> h.reason())
        .anySatisfy(r -> assertThat(r).contains("another action is already planned"))
        .anySatisfy(r -> assertThat(r).contains("in flight"));
  }

  @Test
  void actionsMustFitTheNodeState() {
    Scenario s = new Scenario().active(A).off(worker("b").build(), Duration.ofDays(1));
    Guard.Verdict v =
        guard(s, powerOff("a"), new PlannedAction("a", ActionType.WAKE, "t"), drain("b"));
    assertThat(v.allowed()).isEmpty();
    assertThat(v.refused()).hasSize(3);
  }
}
