package io.ecokube.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What optional capacity may cost: a budget per clock hour and one per period (a day, a 30-day
 * month). Once the spend of the current window plus the projected cost of a wake would exceed
 * either budget, the wake is held back, unless it carries demand with a priority of at least {@code
 * exemptPriority}.
 *
 * <p>Windows are fixed, not sliding: the hour window is the current UTC clock hour; the period
 * windows are {@code periodStart + k * period}, so a period of {@code 1d} with the default anchor
 * (the epoch) runs from UTC midnight to UTC midnight.
 *
 * @param perHour the most a clock hour may cost, in the tariff's currency, >= 0; empty: no hourly
 *     budget
 * @param perPeriod the most a period may cost, >= 0; empty: no period budget
 * @param period the period's length, positive
 * @param periodStart the instant one period starts at (its anchor)
 * @param exemptPriority demand with a pod priority at or above this is never held back by a budget
 */
public record CostBudget(
    OptionalDouble perHour,
    OptionalDouble perPeriod,
    Duration period,
    Instant periodStart,
    int exemptPriority) {

  /**
   * The default exemption threshold: Kubernetes reserves priorities above one billion for system
   * pods, so system-critical pods and user pods at the top user priority are always exempt.
   */
  public static final int DEFAULT_EXEMPT_PRIORITY = 1_000_000_000;

  /** The default period: 30 days. */
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(30);

  /** Validates. */
  public CostBudget {
    Objects.requireNonNull(perHour, "perHour");
    Objects.requireNonNull(perPeriod, "perPeriod");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(periodStart, "periodStart");
    requireAmount("perHour", perHour);
    requireAmount("perPeriod", perPeriod);
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("budget period must be positive, got " + period);
    }
  }

  private static void requireAmount(String name, OptionalDouble v) {
    if (v.isPresent() && !(Double.isFinite(v.getAsDouble()) && v.getAsDouble() >= 0)) {
      throw new IllegalArgumentException(
          "budget " + name + " must be a number >= 0, got " + v.getAsDouble());
    }
  }

  /** No budget: nothing is held back for cost. */
  public static CostBudget none() {
    return new CostBudget(
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        DEFAULT_PERIOD,
        Instant.EPOCH,
        DEFAULT_EXEMPT_PRIORITY);
  }

  /** Whether any budget is set. */
  public boolean enabled() {
    return perHour.isPresent() || perPeriod.isPresent();
  }

  /** Whether demand of this priority ignores the budget. */
  public boolean exempt(int priority) {
    return priority >= exemptPriority;
  }

  /** The start of the hour window that holds {@code now}. */
  public static Instant hourStart(Instant now) {
    return now.truncatedTo(ChronoUnit.HOURS);
  }

  /** The start of the period window that holds {@code now}. */
  public Instant periodStartAt(Instant now) {
    long len = period.toMillis();
    long k = Math.floorDiv(now.toEpochMilli() - periodStart.toEpochMilli(), len);
    return periodStart.plusMillis(k * len);
  }
}
