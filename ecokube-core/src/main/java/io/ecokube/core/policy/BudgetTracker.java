package io.ecokube.core.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * Turns a running cost total (for instance {@code ledger.report().actual().cost()}) into the spend
 * of the current budget windows: it remembers the total at the first observation of each window.
 * Whatever is spent between a window's start and its first observation counts towards the previous
 * window, so observe at least as often as the engine decides. Thread-safe.
 */
public final class BudgetTracker {
  private final CostBudget budget;
  private Instant hourStart;
  private Instant periodStart;
  private double atHourStart;
  private double atPeriodStart;

  /** A tracker for the windows of the given budget. */
  public BudgetTracker(CostBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * Records the running total at {@code now} and returns the spend of the windows holding {@code
   * now}.
   *
   * @param now the current instant
   * @param totalCost the cost accumulated since some fixed start, never decreasing
   */
  public synchronized BudgetSpend observe(Instant now, double totalCost) {
    Objects.requireNonNull(now, "now");
    if (!(Double.isFinite(totalCost) && totalCost >= 0)) {
      throw new IllegalArgumentException("total cost must be >= 0, got " + totalCost);
    }
    Instant h = CostBudget.hourStart(now);
    if (!h.equals(hourStart)) {
      hourStart = h;
      atHourStart = totalCost;
    }
    Instant p = budget.periodStartAt(now);
    if (!p.equals(periodStart)) {
      periodStart = p;
      atPeriodStart = totalCost;
    }
    return new BudgetSpend(
        Math.max(0, totalCost - atHourStart), Math.max(0, totalCost - atPeriodStart));
  }
}
