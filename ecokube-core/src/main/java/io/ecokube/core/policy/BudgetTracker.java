package io.ecokube.core.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

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
  // Spend kept by an earlier tracker, applied at the next observation of the same windows.
  private BudgetState restored;
  private double lastTotal;

  /** A tracker for the windows of the given budget. */
  public BudgetTracker(CostBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * Continues the spend an earlier tracker kept: from the next observation, the windows {@code
   * state} names count what it says was spent in them plus what is spent from then on. Windows that
   * have ended by then start from zero as usual. When this tracker has already seen spend in the
   * same window, the larger of the two counts: a budget is never under-counted.
   */
  public synchronized void restore(BudgetState state) {
    this.restored = Objects.requireNonNull(state, "state");
  }

  /** The spend of the windows last observed, to keep for a later tracker; empty before that. */
  public synchronized Optional<BudgetState> state() {
    if (hourStart == null) {
      return Optional.empty();
    }
    return Optional.of(
        new BudgetState(
            hourStart,
            Math.max(0, lastTotal - atHourStart),
            periodStart,
            Math.max(0, lastTotal - atPeriodStart)));
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
    if (restored != null) {
      // Lower the window's starting total so that the kept spend counts; never raise it.
      if (restored.hourStart().equals(h)) {
        atHourStart = Math.min(atHourStart, totalCost - restored.hourSpent());
      }
      if (restored.periodStart().equals(p)) {
        atPeriodStart = Math.min(atPeriodStart, totalCost - restored.periodSpent());
      }
      restored = null;
    }
    lastTotal = totalCost;
    return new BudgetSpend(
        Math.max(0, totalCost - atHourStart), Math.max(0, totalCost - atPeriodStart));
  }
}
