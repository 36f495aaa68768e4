package io.ecokube.core.decision;

import static io.ecokube.core.decision.Scenario.action;
import static io.ecokube.core.decision.Scenario.cpu;
import static io.ecokube.core.decision.Scenario.held;
import static io.ecokube.core.decision.Scenario.nodesWith;
import static io.ecokube.core.decision.Scenario.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.policy.BudgetSpend;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The cost budget. Prices are 1 EUR/kWh at PUE 1, and a wake is committed for boot (180 s) +
 * minUptime (600 s) = 780 s; one pod of 1 core on an 8-core typical server projects max(200 W
 * transition, 142.5 W) - 5 W off = 195 W more, so a wake costs 0.195 kW x 780/3600 h = 0.04225 EUR.
 */
class BudgetTest {
  private static final FlatTariff ONE_EURO = new FlatTariff(1, 1, 300, "EUR");

  private static CostBudget hourly(double perHour, int exempt) {
    return new CostBudget(
        OptionalDouble.of(perHour),
        OptionalDouble.empty(),
        CostBudget.DEFAULT_PERIOD,
        Instant.EPOCH,
        exempt);
  }

  private static Scenario oneOffNodeOnePod(CostBudget budget, double spentHour, int priority) {
    Scenario s =
        new Scenario()
            .policy(EnginePolicy.builder().budget(budget).build())
            .off(worker("a").build(), Duration.ofDays(1));
    s.tariff = ONE_EURO;
    s.spend = new BudgetSpend(spentHour, spentHour);
    s.pendingWithPriority(1, priority);
    return s;
  }

  @Test
  void aWakeThatWouldOverspendTheHourIsHeldBackWithTheSpend() {
    Plan p = oneOffNodeOnePod(hourly(1.00, 1000), 0.97, 0).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).isEmpty();
    assertThat(held(p, ActionType.WAKE))
        .contains(
            new HeldBack(
                "a",
                ActionType.WAKE,
                "cost budget of 1.00 EUR per hour is spent: 0.97 EUR spent since"
                    + " 2026-01-01T12:00:00Z, waking a would add 0.04 EUR this hour; held back: 1"
                    + " pods (pending pod default/pending-0), none with a priority at or above the"
                    + " exemption threshold 1000"));
    assertThat(held(p, ActionType.WAKE))
        .extracting(HeldBackKind::of)
        .contains(HeldBackKind.BUDGET)
        .doesNotContain(HeldBackKind.POWER_CAP, HeldBackKind.OTHER);
  }

  @Test
  void aWakeThatFitsTheRestOfTheBudgetGoesAhead() {
    // 0.95 + 0.04225 = 0.99225 <= 1.00
    Plan p = oneOffNodeOnePod(hourly(1.00, 1000), 0.95, 0).decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    assertThat(action(p, "a").orElseThrow().reason())
        .startsWith("1 pods do not fit on active or booting nodes");
  }

  @Test
  void onlyTheCostWithinTheCurrentHourCounts() {
    // At 12:55 the 780 s commitment is cut at 13:00: 0.195 kW x 300 s = 0.01625 EUR, and
    // 0.98 + 0.01625 <= 1.00, while the same spend at 12:00 overspends.
    Scenario late = oneOffNodeOnePod(hourly(1.00, 1000), 0.98, 0);
    late.now = Scenario.T0.plus(Duration.ofMinutes(55));
    assertThat(nodesWith(late.decide(), ActionType.WAKE)).containsExactly("a");
    assertThat(nodesWith(oneOffNodeOnePod(hourly(1.00, 1000), 0.98, 0).decide(), ActionType.WAKE))
        .isEmpty();
  }

  @Test
  void thePeriodBudgetHoldsBackToo() {
    CostBudget daily =
        new CostBudget(
            OptionalDouble.empty(), OptionalDouble.of(10), Duration.ofDays(1), Instant.EPOCH, 1000);
    Scenario s = oneOffNodeOnePod(daily, 9.97, 0);
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).isEmpty();
    assertThat(held(p, ActionType.WAKE).get(0).reason())
        .isEqualTo(
            "cost budget of 10.00 EUR per 86400 s period is spent: 9.97 EUR spent since"
                + " 2026-01-01T00:00:00Z, waking a would add 0.04 EUR this period; held back: 1"
                + " pods (pending pod default/pending-0), none with a priority at or above the"
                + " exemption threshold 1000");
  }

  @Test
  void demandAtOrAboveTheExemptPriorityIgnoresTheBudget() {
    assertThat(nodesWith(oneOffNodeOnePod(hourly(1.00, 1000), 5, 1000).decide(), ActionType.WAKE))
        .containsExactly("a");
    assertThat(nodesWith(oneOffNodeOnePod(hourly(1.00, 1000), 5, 999).decide(), ActionType.WAKE))
        .isEmpty();
  }

  @Test
  void exemptDemandIsPlacedFirstSoItsNodeIsNotTakenByBudgetedPods() {
    // 8 budgeted pods come first in the snapshot and would fill node a; the one exempt pod is
    // placed first instead, so a wakes for it; the rest waits.
    Scenario s =
        new Scenario()
            .policy(EnginePolicy.builder().budget(hourly(0, 1000)).build())
            .off(worker("a").build(), Duration.ofDays(2))
            .off(worker("b").build(), Duration.ofDays(1));
    s.tariff = ONE_EURO;
    s.pendingWithPriority(8, 0).pendingWithPriority(1, 2000);
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    assertThat(held(p, ActionType.WAKE))
        .anySatisfy(
            h -> {
              assertThat(h.subject()).isEqualTo("b");
              assertThat(h.reason()).startsWith("cost budget of 0.00 EUR per hour is spent");
            });
  }

  @Test
  void wakesOfOneStepSpendTheBudgetInTurn() {
    // 12 pods of 1 core: a takes 8 (300 W -> +295 W, 0.063917 EUR), b the other 4 (210 W ->
    // +205 W, 0.044417 EUR); together 0.1083 > 0.10.
    Scenario s =
        new Scenario()
            .policy(EnginePolicy.builder().budget(hourly(0.10, 1000)).build())
            .off(worker("a").build(), Duration.ofDays(2))
            .off(worker("b").build(), Duration.ofDays(1));
    s.tariff = ONE_EURO;
    s.pending(12, cpu(1000));
    Plan p = s.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).containsExactly("a");
    assertThat(held(p, ActionType.WAKE).get(0).reason())
        .startsWith(
            "cost budget of 0.10 EUR per hour is spent: 0.06 EUR spent since"
                + " 2026-01-01T12:00:00Z, waking b would add 0.04 EUR this hour");
  }

  @Test
  void theWarmReserveIsBudgetedButMaintenanceWakesAreNot() {
    Scenario reserve =
        new Scenario()
            .policy(
                EnginePolicy.builder()
                    .budget(hourly(0, 1000))
                    .pool("workers", new PoolPolicy(0, 1, OptionalDouble.empty(), Optional.empty()))
                    .build())
            .off(worker("a").build(), Duration.ofDays(1));
    Plan p = reserve.decide();
    assertThat(nodesWith(p, ActionType.WAKE)).isEmpty();
    assertThat(held(p, ActionType.WAKE).get(0).reason())
        .contains("held back: warm reserve (pool workers has 0 nodes on, its warm reserve is 1)");

    Scenario maintenance =
        new Scenario()
            .policy(
                EnginePolicy.builder()
                    .budget(hourly(0, 1000))
                    .maxPoweredOffDuration(Duration.ofDays(7))
                    .build())
            .off(worker("a").build(), Duration.ofDays(8));
    assertThat(nodesWith(maintenance.decide(), ActionType.WAKE)).containsExactly("a");
  }

  @Test
  void withoutABudgetNothingIsHeldBackForCost() {
    Scenario s = oneOffNodeOnePod(CostBudget.none(), 1e9, 0);
    assertThat(nodesWith(s.decide(), ActionType.WAKE)).containsExactly("a");
  }
}
