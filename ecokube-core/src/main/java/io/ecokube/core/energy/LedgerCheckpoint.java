package io.ecokube.core.energy;

import java.time.Instant;
import java.util.Objects;

/**
 * The cumulative account of a ledger at one moment, small enough to store in the cluster so that a
 * restarted controller, or a new leader, continues the totals instead of starting from zero.
 *
 * @param since when accounting began, before any restart
 * @param at the moment the totals were taken
 * @param actual energy, cost and CO2 of the managed cluster up to {@code at}
 * @param alwaysOn the always-on counterfactual on the same demand up to {@code at}
 */
public record LedgerCheckpoint(
    Instant since, Instant at, EnergyTotals actual, EnergyTotals alwaysOn) {
  /** Validates. */
  public LedgerCheckpoint {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(alwaysOn, "alwaysOn");
    if (at.isBefore(since)) {
      throw new IllegalArgumentException("checkpoint at " + at + " is before its start " + since);
    }
  }

  /** Nothing accounted yet, starting at {@code now}. */
  public static LedgerCheckpoint empty(Instant now) {
    return new LedgerCheckpoint(now, now, EnergyTotals.ZERO, EnergyTotals.ZERO);
  }
}
