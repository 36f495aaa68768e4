package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.action;
import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.held;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The Scale-down stage: idle grace, minimum uptime, reserve, rate limit, drain to power-off. */
class ScaleDownTest {
  private static final NodeSpec A = worker("a").build();
  private static final Duration BREAK_EVEN = A.power().breakEven();

  @Test
  void idleGraceDefaultsToTheEnergyBreakEvenTime() {
    assertThat(BREAK_EVEN).isBetween(Duration.ofSeconds(400), Duration.ofSeconds(410));
    Scenario early = new Scenario().idle(A, BREAK_EVEN.minusSeconds(1));
    assertThat(early.decide().actions()).isEmpty();

    Scenario late = new Scenario().idle(A, BREAK_EVEN);
    Plan p = late.decide();
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("a");
    assertThat(action(p, "a").orElseThrow().reason())
        .contains("empty of work for 406 s (idle grace 406 s")
        .contains("its energy break-even time");
  }

  @Test
  void aPoolIdleGraceOverridesTheBreakEven() {
    EnginePolicy policy =
        EnginePolicy.builder()
            .pool(
                "workers",
                new PoolPolicy(0, 0, OptionalDouble.empty(), Optional.of(Duration.ofHours(1))))
            .build();
    assertThat(new Scenario().policy(policy).idle(A, Duration.ofMinutes(59)).decide().actions())
        .isEmpty();
    assertThat(
            nodesWith(
                new Scenario().policy(policy).idle(A, Duration.ofMinutes(60)).decide(),
                ActionType.DRAIN))
        .containsExactly("a");
  }

  @Test
  void daemonSetAndMirrorPodsDoNotCountAsWork() {
    Scenario s = new Scenario().idle(A, Duration.ofHours(1)).daemonSet("a").mirror("a");
    assertThat(nodesWith(s.decide(), ActionType.DRAIN)).containsExactly("a");
  }

  @Test
  void minimumUptimeKeepsAFreshlyWokenNodeOn() {
    Scenario s = new Scenario();
    s.node(
        A,
        true,
        false,
        new NodeRecord(
            NodeLifecycle.ACTIVE,
            s.now.minusSeconds(500),
            List.of(s.now.minusSeconds(500)),
            Optional.empty(),
            0,
            0,
            Optional.empty()));
    s.emptySince("a", s.now.minusSeconds(450));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(held(p, ActionType.DRAIN))
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).contains("minUptime 600 s"));
  }

  @Test
  void aNodeThatCouldNotBeWokenAgainTodayStaysOn() {
    Scenario s = new Scenario();
    List<java.time.Instant> ons =
        List.of(
            s.now.minus(Duration.ofHours(6)),
            s.now.minus(Duration.ofHours(5)),
            s.now.minus(Duration.ofHours(4)));
    s.policy(EnginePolicy.builder().maxCyclesPerNodePerDay(3).build());
    s.node(
        A,
        true,
        false,
        new NodeRecord(
            NodeLifecycle.ACTIVE, ons.get(2), ons, Optional.empty(), 0, 0, Optional.empty()));
    s.emptySince("a", s.now.minus(Duration.ofHours(1)));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(held(p, ActionType.DRAIN).get(0).reason()).contains("cycle limit 3");
  }

  @Test
  void aNodeNeededByDemandOrForecastIsNotDrained() {
    WorkloadRef w = WorkloadRef.deployment("default", "batch");
    Scenario s = new Scenario().idle(A, Duration.ofHours(1));
    s.demand(
        new Demand(
            s.now,
            List.of(),
            List.of(new WorkloadDemand(w, 2, cpu(1000), 0, "forecast")),
            Optional.empty()));
    assertThat(s.decide().actions()).isEmpty();
  }

  @Test
  void warmReserveKeepsIdleNodesOn() {
    EnginePolicy policy =
        EnginePolicy.builder()
            .pool("workers", new PoolPolicy(0, 1, OptionalDouble.empty(), Optional.empty()))
            .build();
    Scenario s =
        new Scenario()
            .policy(policy)
            .idle(A, Duration.ofHours(2))
            .idle(worker("b").build(), Duration.ofHours(1));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("a");
    assertThat(held(p, ActionType.DRAIN))
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).contains("warm reserve of 1"));
  }

  @Test
  void suspendRateLimitSpreadsPowerOffs() {
    Scenario s =
        new Scenario()
            .policy(
                EnginePolicy.builder().suspendRate(new RateLimit(2, Duration.ofMinutes(1))).build())
            .idle(A, Duration.ofHours(3))
            .idle(worker("b").build(), Duration.ofHours(2))
            .idle(worker("c").build(), Duration.ofHours(1));
    s.recentSuspend(s.now.minusSeconds(10));
    Plan p = s.decide();
    // Longest idle first.
    assertThat(nodesWith(p, ActionType.DRAIN)).containsExactly("a");
    assertThat(held(p, ActionType.DRAIN))
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.reason()).contains("suspend rate limit of 2 per 60 s"));
  }

  @Test
  void aFinishedDrainIsPoweredOff() {
    Scenario s =
        new Scenario()
            .node(A, true, true, Scenario.rec(NodeLifecycle.DRAINING, Scenario.T0.minusSeconds(5)))
            .daemonSet("a");
    Plan p = s.decide();
    assertThat(p.actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.type()).isEqualTo(ActionType.POWER_OFF);
              assertThat(a.reason()).contains("drain of a finished");
            });
  }

  @Test
  void aDrainThatOutlivesItsTimeoutIsGivenBack() {
    Scenario s =
        new Scenario()
            .node(A, true, true, Scenario.rec(NodeLifecycle.DRAINING, Scenario.T0.minusSeconds(60)))
            .running("a", 1000);
    assertThat(s.decide().actions()).isEmpty();

    Scenario late =
        new Scenario()
            .node(
                A, true, true, Scenario.rec(NodeLifecycle.DRAINING, Scenario.T0.minusSeconds(301)))
            .running("a", 1000);
    Plan p = late.decide();
    assertThat(p.actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.type()).isEqualTo(ActionType.UNCORDON);
              assertThat(a.reason()).contains("did not complete within drainTimeout 300 s");
            });
  }

  @Test
  void readyButCordonedBootingNodesAreUncordoned() {
    Scenario s =
        new Scenario()
            .node(
                A, true, true, Scenario.rec(NodeLifecycle.BOOTING, Scenario.T0.minusSeconds(100)));
    assertThat(s.decide().actions())
        .singleElement()
        .satisfies(a -> assertThat(a.type()).isEqualTo(ActionType.UNCORDON));
  }

  @Test
  void unknownNodesAreProbedAndFailedNodesReprobedAfterBackoff() {
    Scenario s = new Scenario().node(A, false, false, null);
    assertThat(s.decide().actions())
        .singleElement()
        .satisfies(a -> assertThat(a.type()).isEqualTo(ActionType.PROBE));

    NodeRecord failed =
        new NodeRecord(
            NodeLifecycle.FAILED,
            Scenario.T0.minusSeconds(10),
            List.of(),
            Optional.empty(),
            1,
            0,
            Optional.of("boot timed out"));
    Scenario q = new Scenario().node(A, false, true, failed);
    assertThat(q.decide().actions()).isEmpty();
    q.now = q.now.plusSeconds(25);
    assertThat(q.decide().actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.type()).isEqualTo(ActionType.PROBE);
              assertThat(a.reason()).contains("quarantined").contains("boot timed out");
            });
  }
}
