package io.ecokube.predict;

import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.TimeSeries;
import java.time.Duration;
import java.time.Instant;

/**
 * A series made ready for fitting under a {@link GapPolicy}: finite values only, plus how many
 * steps at the end were missing (the forecast must skip over them so it starts at {@link
 * TimeSeries#end()}).
 *
 * @param values the observed values, leading gaps dropped, interior gaps interpolated
 * @param trailingMissing missing steps after the last observation
 * @param filled how many interior values were interpolated
 * @param forecastStart where the first forecast step lands (the original series' end)
 * @param step the spacing
 */
public record PreparedSeries(
    double[] values, int trailingMissing, int filled, Instant forecastStart, Duration step) {

  /** Copies. */
  public PreparedSeries {
    values = values.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** The number of usable values. */
  public int size() {
    return values.length;
  }

  /** A note for model descriptions, empty when nothing was missing. */
  public String gapNote() {
    if (filled == 0 && trailingMissing == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" [");
    if (filled > 0) {
      sb.append(filled).append(" missing interpolated");
    }
    if (trailingMissing > 0) {
      sb.append(filled > 0 ? ", " : "").append(trailingMissing).append(" trailing missing");
    }
    return sb.append(']').toString();
  }

  /**
   * Prepares a series.
   *
   * @throws ForecastException when the series has infinite values, no observations, or gaps the
   *     policy does not accept
   */
  public static PreparedSeries of(TimeSeries series, GapPolicy policy) {
    double[] v = series.values();
    int n = v.length;
    int missing = 0;
    int first = -1;
    int last = -1;
    int run = 0;
    int longest = 0;
    int longestAt = -1;
    for (int i = 0; i < n; i++) {
      if (Double.isInfinite(v[i])) {
        throw new ForecastException(
            "series value " + i + " is infinite; pass NaN for a missing observation");
      }
      if (Double.isNaN(v[i])) {
        missing++;
        run++;
        if (run > longest && first >= 0) {
          longest = run;
          longestAt = i - run + 1;
        }
      } else {
        run = 0;
        if (first < 0) {
          first = i;
        }
        last = i;
      }
    }
    if (first < 0) {
      throw new ForecastException(
          "series has no observations (" + n + " values, all missing); need at least 2");
    }
    if (longest > policy.maxRun()) {
      throw new ForecastException(
          "series has "
              + longest
              + " consecutive missing values from index "
              + longestAt
              + "; the gap policy accepts runs of at most "
              + policy.maxRun()
              + " (raise GapPolicy.maxRun or repair the series)");
    }
    int counted = missing - first;
    if (counted > policy.maxFraction() * (n - first)) {
      throw new ForecastException(
          "series has "
              + counted
              + " missing values out of "
              + (n - first)
              + "; the gap policy accepts at most "
              + (int) Math.floor(policy.maxFraction() * 100)
              + " %");
    }
    double[] out = new double[last - first + 1];
    int filled = 0;
    int i = first;
    while (i <= last) {
      if (!Double.isNaN(v[i])) {
        out[i - first] = v[i];
        i++;
        continue;
      }
      int j = i;
      while (Double.isNaN(v[j])) {
        j++;
      }
      double left = v[i - 1];
      double right = v[j];
      for (int k = i; k < j; k++) {
        out[k - first] = left + (right - left) * (k - i + 1) / (j - i + 1);
        filled++;
      }
      i = j;
    }
    return new PreparedSeries(out, n - 1 - last, filled, series.end(), series.step());
  }
}
