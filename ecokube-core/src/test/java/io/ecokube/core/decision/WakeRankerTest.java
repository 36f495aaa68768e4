package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.GIB;
import static io.ecokube.core.decision.Scenario.action;
import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.core.decision.rank.GreenestRanker;
import io.ecokube.core.decision.rank.PriorityRanker;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each built-in wake ranker, end to end through the decision: one cluster of four OFF nodes where
 * every ranker wakes a different one for the same pending pod.
 */
class WakeRankerTest {

  private static PowerProfile idle(double watts) {
    return new PowerProfile(5, watts, 300, 200, Duration.ofSeconds(180), Duration.ofSeconds(60));
  }

  /**
   * thrifty: 32 cores at 120 W idle, 3.75 W per core, the least watts per core. solar: 15 W per
   * core on its own 50 g CO2/kWh supply, the greenest. snug: 2 cores and 2 GiB, which a 2-core pod
   * fills best, at 30 W per core. preferred: 20 W per core, wake priority 10.
   */
  private static Scenario fourCandidates(String ranker) {
    Scenario s =
        new Scenario()
            .policy(EnginePolicy.builder().wakeRanker(ranker).build())
            .off(
                worker("thrifty")
                    .allocatable(new Resources(32_000, 64 * GIB, 0, 110))
                    .power(idle(120))
                    .build(),
                Duration.ofDays(1))
            .off(
                worker("solar")
                    .label(GreenestRanker.INTENSITY_LABEL, "50")
                    .power(idle(120))
                    .build(),
                Duration.ofDays(1))
            .off(
                worker("snug")
                    .allocatable(new Resources(2000, 2 * GIB, 0, 110))
                    .power(idle(60))
                    .build(),
                Duration.ofDays(1))
            .off(
                worker("preferred").label(PriorityRanker.LABEL, "10").power(idle(160)).build(),
                Duration.ofDays(1));
    s.pending(1, cpu(2000));
    return s;
  }

  @ParameterizedTest
  @CsvSource({
    "least-watts, thrifty, the cheapest candidate at 3.8 W per core",
    "greenest, solar, the greenest candidate at 50 g CO2/kWh (label ecokube.io/carbon-intensity)",
    "least-waste, snug, the best fit of the waiting pods: 1 of them would leave 0 % of its CPU and"
        + " 50 % of its memory unused",
    "priority, preferred, the candidate of highest wake priority, 10 (label"
        + " ecokube.io/wake-priority)"
  })
  void eachRankerWakesItsOwnPick(String ranker, String node, String why) {
    Plan p = fourCandidates(ranker).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly(node);
    assertThat(action(p, node).orElseThrow().reason())
        .contains(node + " takes 1 of them and is " + why);
  }

  @Test
  void theDefaultIsLeastWatts() {
    assertThat(EnginePolicy.defaults().wakeRanker()).isEqualTo("least-watts");
    Scenario s = fourCandidates("least-watts");
    s.policy = EnginePolicy.defaults();
    assertThat(s.decide()).isEqualTo(fourCandidates("least-watts").decide());
  }

  @Test
  void greenestFallsBackToTheGridAndThenToWatts() {
    // Without an intensity label every node is at the grid's intensity: watts per core decide; a
    // label that is not a number counts as no label; a lower label beats both.
    Scenario grid =
        new Scenario()
            .policy(EnginePolicy.builder().wakeRanker("greenest").build())
            .off(worker("hungry").power(idle(200)).build(), Duration.ofDays(1))
            .off(
                worker("typo")
                    .label(GreenestRanker.INTENSITY_LABEL, "low")
                    .power(idle(150))
                    .build(),
                Duration.ofDays(1))
            .off(worker("frugal").power(idle(100)).build(), Duration.ofDays(1));
    grid.pending(1, cpu(1000));
    Plan p = grid.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("frugal");
    assertThat(action(p, "frugal").orElseThrow().reason()).contains("g CO2/kWh (grid)");
    assertThat(action(p, "typo")).isEmpty();

    grid.off(
        worker("hydro").label(GreenestRanker.INTENSITY_LABEL, "20").power(idle(250)).build(),
        Duration.ofDays(1));
    assertThat(nodesWith(grid.decide(), ActionType.WAKE)).containsExactly("hydro");
  }

  @Test
  void leastWastePicksTheTightestNodeThePodsFitOn() {
    // tiny is the tightest node but the 2-core pods do not fit on it; mid fits both with no CPU
    // left; big is the least watts per core, but would stay almost empty.
    Scenario s =
        new Scenario()
            .policy(EnginePolicy.builder().wakeRanker("least-waste").build())
            .off(
                worker("tiny").allocatable(new Resources(1000, 2 * GIB, 0, 110)).build(),
                Duration.ofDays(1))
            .off(
                worker("mid").allocatable(new Resources(4000, 4 * GIB, 0, 110)).build(),
                Duration.ofDays(1))
            .off(
                worker("big").allocatable(new Resources(64_000, 256 * GIB, 0, 110)).build(),
                Duration.ofDays(1));
    s.pending(2, cpu(2000));
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("mid");
  }

  @Test
  void priorityOrdersWarmReserveWakesToo() {
    // The warm reserve of 1 wakes the highest-priority node, not the cheapest.
    EnginePolicy policy =
        EnginePolicy.builder()
            .wakeRanker("priority")
            .pool("workers", new PoolPolicy(0, 1, OptionalDouble.empty(), Optional.empty()))
            .build();
    Scenario s =
        new Scenario()
            .policy(policy)
            .off(worker("cheap").power(idle(60)).build(), Duration.ofDays(1))
            .off(
                worker("first").label(PriorityRanker.LABEL, "5").power(idle(200)).build(),
                Duration.ofDays(1))
            .off(
                worker("negative").label(PriorityRanker.LABEL, "-3").power(idle(50)).build(),
                Duration.ofDays(1));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("first");
    assertThat(action(p, "first").orElseThrow().reason()).startsWith("warm reserve");
  }
}
