package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.action;
import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.held;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** What holds a wake back: power caps, the wake rate, the cycle limit, a retry backoff. */
class WakeLimitsTest {
  private static final Duration DAY = Duration.ofDays(1);

  private static Scenario threeOffNodesAndWork() {
    Scenario s =
        new Scenario()
            .off(worker("a").build(), Duration.ofDays(3))
            .off(worker("b").build(), Duration.ofDays(2))
            .off(worker("c").build(), DAY);
    // 20 pods of 1 core: needs all three nodes.
    s.pending(20, cpu(1000));
    return s;
  }

  @Test
  void clusterPowerCapHoldsBackWakesWithAReason() {
    // Off draw 3 x 5 W = 15 W; each wake adds up to max(200 W transition, load) - 5 W.
    Scenario s =
        threeOffNodesAndWork().policy(EnginePolicy.builder().clusterPowerCapWatts(500).build());
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).hasSize(1);
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(h -> assertThat(h.reason()).contains("above the cap of 500 W"));
  }

  @Test
  void poolPowerCapHoldsBackWakes() {
    Scenario s =
        threeOffNodesAndWork()
            .policy(
                EnginePolicy.builder()
                    .pool("workers", new PoolPolicy(0, 0, OptionalDouble.of(700), Optional.empty()))
                    .build());
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).hasSize(2);
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(h -> assertThat(h.reason()).contains("pool workers's projected draw"));
  }

  @Test
  void wakeRateLimitHoldsBackWakes() {
    Scenario s =
        threeOffNodesAndWork()
            .policy(
                EnginePolicy.builder().wakeRate(new RateLimit(2, Duration.ofMinutes(5))).build());
    s.recentWake(s.now.minusSeconds(60));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(h -> assertThat(h.reason()).contains("wake rate limit of 2 per 300 s"));

    // Once the earlier wake has left the window, two wakes are allowed again.
    Scenario later =
        threeOffNodesAndWork()
            .policy(
                EnginePolicy.builder().wakeRate(new RateLimit(2, Duration.ofMinutes(5))).build());
    later.recentWake(later.now.minus(Duration.ofMinutes(6)));
    assertThat(nodesWith(later.decide(), ActionType.WAKE)).containsExactly("a", "b");
  }

  @Test
  void cycleLimitKeepsANodeOffThatCycledTooOftenToday() {
    Scenario s = new Scenario();
    List<Instant> ons = new ArrayList<>();
    for (int i = 6; i >= 1; i--) {
      ons.add(s.now.minus(Duration.ofHours(i)));
    }
    s.node(
        worker("tired").build(),
        false,
        true,
        new NodeRecord(
            NodeLifecycle.OFF,
            s.now.minusSeconds(600),
            ons,
            Optional.of(s.now.minusSeconds(600)),
            0,
            0,
            Optional.empty()));
    s.off(worker("fresh").build(), Duration.ofMinutes(5));
    s.pending(1, cpu(1000));
    Plan p = s.decide();
    // tired has been off longer (wear-levelling would pick it) but has no cycle left.
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("fresh");
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(
            h -> {
              assertThat(h.subject()).isEqualTo("tired");
              assertThat(h.reason()).contains("per-node cycle limit is 6");
            });
  }

  @Test
  void aFailedBootIsRetriedOnlyAfterItsBackoff() {
    Scenario s = new Scenario();
    s.node(
        worker("flaky").build(),
        false,
        true,
        new NodeRecord(
            NodeLifecycle.OFF,
            s.now.minusSeconds(10),
            List.of(),
            Optional.empty(),
            1,
            0,
            Optional.of("boot timed out")));
    s.pending(1, cpu(1000));
    Plan p = s.decide();
    assertThat(p.actions()).isEmpty();
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(h -> assertThat(h.reason()).contains("failed to boot").contains("retry at"));

    s.now = s.now.plusSeconds(30);
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("flaky");
  }

  @Test
  void warmReserveWakesNodesOfItsPool() {
    Scenario s =
        new Scenario()
            .active(worker("a").build())
            .off(worker("b").build(), Duration.ofDays(2))
            .off(worker("c").build(), DAY)
            .policy(
                EnginePolicy.builder()
                    .pool("workers", new PoolPolicy(0, 2, OptionalDouble.empty(), Optional.empty()))
                    .build());
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("b");
    assertThat(action(p, "b").orElseThrow().reason())
        .contains("warm reserve")
        .contains("pool workers has 1 nodes on, its warm reserve is 2");
  }

  @Test
  void maxPoweredOffDurationWakesANodeOffTooLong() {
    Scenario s =
        new Scenario()
            .off(worker("stale").build(), Duration.ofDays(8))
            .off(worker("recent").build(), DAY)
            .policy(EnginePolicy.builder().maxPoweredOffDuration(Duration.ofDays(7)).build());
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("stale");
    assertThat(action(p, "stale").orElseThrow().reason())
        .contains("longer than maxPoweredOffDuration");
  }

  @Test
  void nodesInFlightAreNeitherCandidatesNorActedOn() {
    Scenario s =
        new Scenario()
            .off(worker("busy").build(), Duration.ofDays(3))
            .off(worker("b").build(), DAY);
    s.inFlight("busy");
    s.pending(1, cpu(1000));
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("b");
  }
}
