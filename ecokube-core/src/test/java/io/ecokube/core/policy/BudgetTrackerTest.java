package io.ecokube.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class BudgetTrackerTest {
  private static final Instant T = Instant.parse("2026-01-01T12:30:00Z");

  private static CostBudget daily() {
    return new CostBudget(
        OptionalDouble.of(1), OptionalDouble.of(10), Duration.ofDays(1), Instant.EPOCH, 1000);
  }

  @Test
  void spendIsCountedFromTheFirstObservationOfEachWindow() {
    BudgetTracker t = new BudgetTracker(daily());
    assertThat(t.observe(T, 100)).isEqualTo(new BudgetSpend(0, 0));
    assertThat(t.observe(T.plusSeconds(600), 100.5)).isEqualTo(new BudgetSpend(0.5, 0.5));
    // A new hour: the hour restarts, the day goes on.
    assertThat(t.observe(Instant.parse("2026-01-01T13:00:00Z"), 101))
        .isEqualTo(new BudgetSpend(0, 1));
    assertThat(t.observe(Instant.parse("2026-01-01T13:59:59Z"), 101.25))
        .isEqualTo(new BudgetSpend(0.25, 1.25));
    // A new day restarts both.
    assertThat(t.observe(Instant.parse("2026-01-02T00:00:00Z"), 102))
        .isEqualTo(new BudgetSpend(0, 0));
  }

  @Test
  void aRestoredStateKeepsTheSpendOfItsWindowsEvenWhenTheRunningTotalStartsAgain() {
    BudgetTracker before = new BudgetTracker(daily());
    before.observe(T, 100);
    before.observe(T.plusSeconds(600), 100.75);
    BudgetState kept = before.state().orElseThrow();
    assertThat(kept)
        .isEqualTo(
            new BudgetState(
                Instant.parse("2026-01-01T12:00:00Z"),
                0.75,
                Instant.parse("2026-01-01T00:00:00Z"),
                0.75));

    // A restart: a new tracker, and a running total that starts from 0 again.
    BudgetTracker after = new BudgetTracker(daily());
    after.restore(kept);
    assertThat(after.observe(T.plusSeconds(900), 0)).isEqualTo(new BudgetSpend(0.75, 0.75));
    assertThat(after.observe(T.plusSeconds(1200), 0.1)).isEqualTo(new BudgetSpend(0.85, 0.85));
    // The next hour starts from zero, the day goes on from the kept spend.
    assertThat(after.observe(Instant.parse("2026-01-01T13:00:00Z"), 0.2))
        .isEqualTo(new BudgetSpend(0, 0.95));
  }

  @Test
  void aRestoredStateOfEndedWindowsIsIgnoredAndNeverLowersSpendAlreadySeen() {
    BudgetTracker t = new BudgetTracker(daily());
    t.restore(
        new BudgetState(
            Instant.parse("2025-12-31T23:00:00Z"), 5, Instant.parse("2025-12-31T00:00:00Z"), 9));
    assertThat(t.observe(T, 100)).isEqualTo(new BudgetSpend(0, 0));
    t.observe(T.plusSeconds(60), 102);
    // Restored after this tracker saw 2 spent: the larger count holds.
    t.restore(
        new BudgetState(
            Instant.parse("2026-01-01T12:00:00Z"), 0.5, Instant.parse("2026-01-01T00:00:00Z"), 3));
    assertThat(t.observe(T.plusSeconds(120), 102)).isEqualTo(new BudgetSpend(2, 3));
  }

  @Test
  void noStateBeforeTheFirstObservationAndBadStatesAreRefused() {
    assertThat(new BudgetTracker(daily()).state()).isEmpty();
    assertThatThrownBy(() -> new BudgetState(T, -1, T, 0)).hasMessageContaining("hour spend");
    assertThatThrownBy(() -> new BudgetState(T, 0, T, Double.NaN))
        .hasMessageContaining("period spend");
  }

  @Test
  void periodsAreAnchoredAtPeriodStart() {
    CostBudget month =
        new CostBudget(
            OptionalDouble.empty(),
            OptionalDouble.of(900),
            Duration.ofDays(30),
            Instant.parse("2026-01-01T00:00:00Z"),
            0);
    assertThat(month.periodStartAt(Instant.parse("2026-01-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
    assertThat(month.periodStartAt(Instant.parse("2026-01-30T23:59:59Z")))
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    // Before the anchor the windows continue backwards.
    assertThat(month.periodStartAt(Instant.parse("2025-12-31T00:00:00Z")))
        .isEqualTo(Instant.parse("2025-12-02T00:00:00Z"));
    assertThat(CostBudget.hourStart(T)).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
  }

  @Test
  void invalidValuesAreRejected() {
    assertThatThrownBy(
            () ->
                new CostBudget(
                    OptionalDouble.of(-1),
                    OptionalDouble.empty(),
                    Duration.ofDays(1),
                    Instant.EPOCH,
                    0))
        .hasMessage("budget perHour must be a number >= 0, got -1.0");
    assertThatThrownBy(() -> new DeferralPolicy(Duration.ZERO))
        .hasMessage("maxDelay must be positive, got PT0S");
    assertThatThrownBy(() -> new GreenPreference("k", "v", 0))
        .hasMessage("green weight must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new BudgetTracker(daily()).observe(T, -1))
        .hasMessage("total cost must be >= 0, got -1.0");
  }
}
