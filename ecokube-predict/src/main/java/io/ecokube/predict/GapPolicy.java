package io.ecokube.predict;

/**
 * How forecasters treat missing observations ({@link Double#NaN}) in a series.
 *
 * <p>Leading missing values are dropped. Interior gaps are filled by straight-line interpolation
 * between their neighbours. Trailing missing values are not invented: the model is fitted on the
 * observed part and forecasts across the trailing gap, so the forecast still starts where the
 * series ends (with correspondingly wider intervals). Any single run of missing values longer than
 * {@code maxRun}, or more missing values than {@code maxFraction} of the series, is rejected.
 *
 * @param maxRun the longest run of consecutive missing values accepted, at least 0
 * @param maxFraction the largest share of missing values accepted, in [0, 1)
 */
public record GapPolicy(int maxRun, double maxFraction) {

  /** Runs of up to 6 missing values, at most 10 % of the series. */
  public static final GapPolicy DEFAULT = new GapPolicy(6, 0.10);

  /** Any missing value is an error. */
  public static final GapPolicy REJECT = new GapPolicy(0, 0);

  /** Validates. */
  public GapPolicy {
    if (maxRun < 0) {
      throw new IllegalArgumentException("gap policy maxRun must be >= 0, got " + maxRun);
    }
    if (!(maxFraction >= 0 && maxFraction < 1)) {
      throw new IllegalArgumentException(
          "gap policy maxFraction must be in [0, 1), got " + maxFraction);
    }
  }
}
