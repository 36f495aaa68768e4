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
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.core.energy.HourlyTariff;
import io.ecokube.core.policy.CarbonPolicy;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.GreenPreference;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Prefer green nodes when waking; let deferrable demand wait for a lower-carbon hour. */
class GreenAndCarbonTest {
  private static final String GREEN = "ecokube.io/green";
  private static final WorkloadRef BATCH = WorkloadRef.deployment("batch", "report");

  private static PowerProfile idle(double watts) {
    return new PowerProfile(5, watts, 300, 200, Duration.ofSeconds(180), Duration.ofSeconds(60));
  }

  @Test
  void aGreenNodeWakesBeforeAnEqualOneThatHasBeenOffLonger() {
    Scenario s =
        new Scenario()
            .off(worker("a").build(), Duration.ofDays(3))
            .off(worker("b").label(GREEN, "true").build(), Duration.ofDays(1));
    s.pending(1, cpu(1000));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("b");
    assertThat(action(p, "b").orElseThrow().reason())
        .endsWith(
            "b takes 1 of them and is the cheapest candidate at 15.0 W per core (green,"
                + " ecokube.io/green=true: ranked at 12.0)");
  }

  @Test
  void theGreenWeightDecidesAgainstAMuchLessEfficientGreenNode() {
    // a: 120 W / 8 cores = 15 W per core. A green node at 160 W ranks at 20 x 0.8 = 16 (a wins);
    // one at 140 W ranks at 17.5 x 0.8 = 14 (it wins).
    Scenario costly =
        new Scenario()
            .off(worker("a").build(), Duration.ofDays(1))
            .off(worker("g").label(GREEN, "true").power(idle(160)).build(), Duration.ofDays(1));
    costly.pending(1, cpu(1000));
    assertThat(nodesWith(costly.decide(), ActionType.WAKE)).containsExactly("a");

    Scenario close =
        new Scenario()
            .off(worker("a").build(), Duration.ofDays(1))
            .off(worker("g").label(GREEN, "true").power(idle(140)).build(), Duration.ofDays(1));
    close.pending(1, cpu(1000));
    assertThat(nodesWith(close.decide(), ActionType.WAKE)).containsExactly("g");
  }

  @Test
  void withWeightOneTheLabelOnlyBreaksTiesAndTheLabelIsConfigurable() {
    EnginePolicy tieBreak =
        EnginePolicy.builder().green(new GreenPreference("power", "solar", 1.0)).build();
    Scenario tie =
        new Scenario()
            .policy(tieBreak)
            .off(worker("a").build(), Duration.ofDays(3))
            .off(worker("s").label("power", "solar").build(), Duration.ofDays(1))
            .off(worker("x").label(GREEN, "true").build(), Duration.ofDays(2));
    tie.pending(1, cpu(1000));
    assertThat(nodesWith(tie.decide(), ActionType.WAKE)).containsExactly("s");

    Scenario better =
        new Scenario()
            .policy(tieBreak)
            .off(worker("a").power(idle(112)).build(), Duration.ofDays(1))
            .off(worker("s").label("power", "solar").build(), Duration.ofDays(1));
    better.pending(1, cpu(1000));
    assertThat(nodesWith(better.decide(), ActionType.WAKE)).containsExactly("a");
  }

  // ---------------------------------------------------------------- carbon

  /** 400 g everywhere except 13:00 (350), 14:00 (200) and 15:00 (100), UTC. */
  private static HourlyTariff intensities() {
    double[] grams = new double[24];
    Arrays.fill(grams, 400);
    grams[13] = 350;
    grams[14] = 200;
    grams[15] = 100;
    double[] price = new double[24];
    Arrays.fill(price, 0.25);
    return new HourlyTariff(1.5, price, grams, ZoneOffset.UTC, "EUR");
  }

  private static Scenario batchWaiting(Duration maxDelay, Duration waitingFor, double percent) {
    Scenario s =
        new Scenario()
            .policy(
                EnginePolicy.builder()
                    .carbon(new CarbonPolicy(percent, Map.of(BATCH, new DeferralPolicy(maxDelay))))
                    .build())
            .off(worker("a").build(), Duration.ofDays(1));
    s.tariff = intensities();
    s.waitingSince.put(BATCH, s.now.minus(waitingFor));
    s.demand(
        new Demand(
            s.now,
            List.of(new WorkloadDemand(BATCH, 2, cpu(1000), 0, "lag 20 / 10")),
            List.of(),
            Optional.empty()));
    return s;
  }

  @Test
  void deferrableDemandWaitsForTheLowestHourItsDeadlineAllows() {
    // Deadline 15:00; a 180 s boot must start by 14:57, so 15:00 (100 g) is out and 14:00 (200 g,
    // 50 % below 400 g) is the best hour at least 20 % lower.
    Plan p = batchWaiting(Duration.ofHours(3), Duration.ZERO, 20).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).isEmpty();
    assertThat(held(p, ActionType.WAKE))
        .containsExactly(
            new HeldBack(
                "Deployment batch/report",
                ActionType.WAKE,
                "carbon-aware deferral: 2 missing pods of Deployment batch/report (lag 20 / 10)"
                    + " wait for 2026-01-01T14:00:00Z (200 g CO2/kWh, 50 % below the 400 g"
                    + " CO2/kWh of now, threshold 20 %) instead of waking a node; deadline"
                    + " 2026-01-01T15:00:00Z (waiting since 2026-01-01T12:00:00Z + maxDelay 10800"
                    + " s), latest wake 2026-01-01T14:57:00Z for a 180 s boot"));
    assertThat(HeldBackKind.of(held(p, ActionType.WAKE).get(0))).isEqualTo(HeldBackKind.CARBON);
  }

  @Test
  void aWaitNeverRunsPastTheDeadline() {
    // Waiting since 10:05 with 3 h allowed: deadline 13:05, latest wake 13:02; 13:00 is only
    // 12.5 % lower, so the node is woken now.
    Plan p = batchWaiting(Duration.ofHours(3), Duration.ofMinutes(115), 20).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    // With a 10 % threshold 13:00 qualifies and the wait is allowed.
    Plan lower = batchWaiting(Duration.ofHours(3), Duration.ofMinutes(115), 10).decide();
    assertThat(nodesWith(lower, ActionType.WAKE)).isEmpty();
    // Past the latest wake nothing is deferred, whatever the forecast.
    Plan late = batchWaiting(Duration.ofHours(3), Duration.ofMinutes(179), 10).decide();
    assertThat(nodesWith(late, ActionType.WAKE)).containsExactly("a");
  }

  @Test
  void aHigherThresholdThanTheForecastDropWakesNow() {
    // 15:00 is 75 % lower but out of reach; 14:00 is only 50 % lower.
    Plan p = batchWaiting(Duration.ofHours(3), Duration.ZERO, 60).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    assertThat(held(p, ActionType.WAKE)).isEmpty();
  }

  @Test
  void onlyListedWorkloadsWithAKnownWaitingStartAreDeferred() {
    Scenario unknownStart = batchWaiting(Duration.ofHours(3), Duration.ZERO, 20);
    unknownStart.waitingSince.clear();
    assertThat(nodesWith(unknownStart.decide(), ActionType.WAKE)).containsExactly("a");

    Scenario other = batchWaiting(Duration.ofHours(3), Duration.ZERO, 20);
    other.policy = EnginePolicy.defaults();
    assertThat(nodesWith(other.decide(), ActionType.WAKE)).containsExactly("a");
  }

  @Test
  void deferrableDemandThatFitsOnANodeAlreadyOnIsNotHeldBack() {
    Scenario s = batchWaiting(Duration.ofHours(3), Duration.ZERO, 20);
    s.active(worker("on").build());
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).isEmpty();
    assertThat(p.heldBack()).isEmpty();
  }
}
