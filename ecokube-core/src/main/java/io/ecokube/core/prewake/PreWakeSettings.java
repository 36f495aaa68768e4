package io.ecokube.core.prewake;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link PreWake} turns a demand series into expected demand. Build it with {@link
 * #builder(Duration)}.
 *
 * @param leadTime how far ahead the engine must know demand: the longest boot time of the nodes it
 *     may wake (plus a reconcile interval, to be safe)
 * @param step the spacing of the demand series; observations within a step are aggregated
 * @param aggregation how observations within a step become the step's value
 * @param refitEvery how often the forecaster is fitted again; between fits the last forecast is
 *     read at the current time
 * @param history the most recent stretch of the series a fit sees
 * @param minHistory no forecast before the series is at least this long
 * @param estimate which number of the forecast becomes expected demand
 * @param level the prediction interval's coverage, in (0, 1)
 * @param maxRelativeWidth the forecast is unsure, and ignored, when at any step it is read the
 *     interval's width {@code upper - lower} exceeds this multiple of {@code max(|mean|, 1)}
 */
public record PreWakeSettings(
    Duration leadTime,
    Duration step,
    Aggregation aggregation,
    Duration refitEvery,
    Duration history,
    Duration minHistory,
    Estimate estimate,
    double level,
    double maxRelativeWidth) {

  /** How the observations within one step of the series become its value. */
  public enum Aggregation {
    /**
     * The largest observation: for a level such as pods required now. Steps without any observation
     * repeat the previous step's value (a level persists).
     */
    MAX,
    /**
     * The sum of the observations: for counts such as arrivals. Steps without any observation count
     * zero.
     */
    SUM
  }

  /** Which number of a forecast becomes expected demand. */
  public enum Estimate {
    /**
     * The upper bound of the prediction interval at {@link #level()}: wakes for demand that is
     * plausible, not only likely; fewer late jobs for a little more energy. The default.
     */
    UPPER,
    /** The point forecast: wakes for the most likely demand only. */
    MEAN
  }

  /** Validates. */
  public PreWakeSettings {
    positive("leadTime", leadTime, true);
    positive("step", step, false);
    Objects.requireNonNull(aggregation, "aggregation");
    positive("refitEvery", refitEvery, false);
    positive("history", history, false);
    positive("minHistory", minHistory, false);
    Objects.requireNonNull(estimate, "estimate");
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    if (!(maxRelativeWidth > 0) || Double.isNaN(maxRelativeWidth)) {
      throw new IllegalArgumentException("maxRelativeWidth must be > 0, got " + maxRelativeWidth);
    }
    if (history.compareTo(minHistory) < 0) {
      throw new IllegalArgumentException(
          "history (" + history + ") must be at least minHistory (" + minHistory + ")");
    }
    if (minHistory.compareTo(step.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "minHistory (" + minHistory + ") must cover at least two steps of " + step);
    }
  }

  private static void positive(String name, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException(
          name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + d);
    }
  }

  /** The number of whole steps in a duration, at least 1. */
  int steps(Duration d) {
    return (int) Math.max(1, d.toMillis() / step.toMillis());
  }

  /**
   * A builder with the defaults: 5 min steps aggregated by {@link Aggregation#MAX}, refit every
   * hour on up to 7 days, at least 1 day before any forecast, the {@link Estimate#UPPER} bound at
   * level 0.8, unsure beyond a relative width of 3.
   *
   * @param leadTime the longest boot time (see {@link #leadTime()})
   */
  public static Builder builder(Duration leadTime) {
    return new Builder(leadTime);
  }

  /** Builds {@link PreWakeSettings}. */
  public static final class Builder {
    private final Duration leadTime;
    private Duration step = Duration.ofMinutes(5);
    private Aggregation aggregation = Aggregation.MAX;
    private Duration refitEvery = Duration.ofHours(1);
    private Duration history = Duration.ofDays(7);
    private Duration minHistory = Duration.ofDays(1);
    private Estimate estimate = Estimate.UPPER;
    private double level = 0.8;
    private double maxRelativeWidth = 3;

    private Builder(Duration leadTime) {
      this.leadTime = leadTime;
    }

    /** Spacing of the demand series (default 5 min). */
    public Builder step(Duration d) {
      step = d;
      return this;
    }

    /** Aggregation within a step (default {@link Aggregation#MAX}). */
    public Builder aggregation(Aggregation a) {
      aggregation = a;
      return this;
    }

    /** Refit period (default 1 h). */
    public Builder refitEvery(Duration d) {
      refitEvery = d;
      return this;
    }

    /** The most history a fit sees (default 7 days). */
    public Builder history(Duration d) {
      history = d;
      return this;
    }

    /** The least history before any forecast (default 1 day). */
    public Builder minHistory(Duration d) {
      minHistory = d;
      return this;
    }

    /** Upper bound or mean (default {@link Estimate#UPPER}). */
    public Builder estimate(Estimate e) {
      estimate = e;
      return this;
    }

    /** Prediction interval coverage (default 0.8). */
    public Builder level(double l) {
      level = l;
      return this;
    }

    /** Relative interval width beyond which a forecast is unsure (default 3). */
    public Builder maxRelativeWidth(double w) {
      maxRelativeWidth = w;
      return this;
    }

    /** Builds and validates. */
    public PreWakeSettings build() {
      return new PreWakeSettings(
          leadTime,
          step,
          aggregation,
          refitEvery,
          history,
          minHistory,
          estimate,
          level,
          maxRelativeWidth);
    }
  }
}
