package io.ecokube.core.policy;

/**
 * What has been spent so far in the current budget windows (see {@link CostBudget}), in the
 * tariff's currency. The decision takes it as an input so that it stays a pure function; {@link
 * BudgetTracker} derives it from a running cost total such as the energy ledger's actual cost.
 *
 * @param hour spent since the start of the current UTC clock hour, >= 0
 * @param period spent since the start of the current period, >= 0
 */
public record BudgetSpend(double hour, double period) {
  /** Validates. */
  public BudgetSpend {
    if (!(Double.isFinite(hour) && hour >= 0)) {
      throw new IllegalArgumentException("hour spend must be >= 0, got " + hour);
    }
    if (!(Double.isFinite(period) && period >= 0)) {
      throw new IllegalArgumentException("period spend must be >= 0, got " + period);
    }
  }

  /** Nothing spent. */
  public static BudgetSpend none() {
    return new BudgetSpend(0, 0);
  }
}
