package io.ecokube.core.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link BudgetTracker} knows about its current budget windows, to be kept outside the
 * engine so that a restart or a leader failover continues the spend instead of counting it from
 * zero. It holds what was spent in each window rather than a running total at the window's start,
 * so it stays right even when the running total itself starts again.
 *
 * @param hourStart start of the UTC clock hour the spend was counted in
 * @param hourSpent spent in that hour, >= 0
 * @param periodStart start of the budget period the spend was counted in
 * @param periodSpent spent in that period, >= 0
 */
public record BudgetState(
    Instant hourStart, double hourSpent, Instant periodStart, double periodSpent) {
  /** Validates. */
  public BudgetState {
    Objects.requireNonNull(hourStart, "hourStart");
    Objects.requireNonNull(periodStart, "periodStart");
    if (!(Double.isFinite(hourSpent) && hourSpent >= 0)) {
      throw new IllegalArgumentException("hour spend must be >= 0, got " + hourSpent);
    }
    if (!(Double.isFinite(periodSpent) && periodSpent >= 0)) {
      throw new IllegalArgumentException("period spend must be >= 0, got " + periodSpent);
    }
  }
}
