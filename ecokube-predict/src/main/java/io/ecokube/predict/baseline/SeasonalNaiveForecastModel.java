package io.ecokube.predict.baseline;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.predict.PreparedSeries;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.math3.special.Erf;

/**
 * The one seasonal naive model of Eco-Kube: the forecast for a step is the mean of the values one,
 * two, ... {@code seasons} periods earlier (one season and period 1 give the naive "last value"
 * forecast); beyond the first season ahead earlier forecasts stand in for values, as the recursion
 * wants. Missing values ({@code NaN}) are skipped in the means and residuals. The interval is
 * normal with the root mean square {@code sigma} of the in-sample errors {@code y[t] - mean(t)},
 * widened to {@code sigma sqrt(k + 1)} in the k-th season ahead. Immutable and thread-safe.
 */
public final class SeasonalNaiveForecastModel implements ForecastModel {
  private final double[] history;
  private final int period;
  private final int seasons;
  private final double sigma;
  private final int skip;
  private final Instant start;
  private final Duration step;
  private final String description;

  private SeasonalNaiveForecastModel(
      double[] history,
      int period,
      int seasons,
      double sigma,
      int skip,
      Instant start,
      Duration step,
      String description) {
    this.history = history;
    this.period = period;
    this.seasons = seasons;
    this.sigma = sigma;
    this.skip = skip;
    this.start = start;
    this.step = step;
    this.description = description;
  }

  /**
   * Fits the one-season model to a prepared series (the fallback of auto ARIMA).
   *
   * @param period the seasonal period, at least 1
   * @param reason why this model is used, shown in {@link #description()} (empty for none)
   * @throws ForecastException when the series is not longer than one period
   */
  public static SeasonalNaiveForecastModel fit(PreparedSeries series, int period, String reason) {
    String name = period == 1 ? "naive" : "seasonal naive[" + period + "]";
    String label = name + (reason.isEmpty() ? "" : " (fallback: " + reason + ")");
    return fit(
        series.values(),
        period,
        1,
        series.trailingMissing(),
        series.forecastStart(),
        series.step(),
        label + series.gapNote());
  }

  /**
   * Fits the model.
   *
   * @param values the history, oldest first; NaN marks a missing value
   * @param period the seasonal period, at least 1
   * @param seasons how many past seasons are averaged, at least 1
   * @param skip steps between the history's end and {@code start} (trailing missing values)
   * @param start where the first forecast step lands
   * @param step the series' step
   * @param description shown in {@link #description()}
   * @throws ForecastException when the series is not longer than one period or has no pair of
   *     values one period apart
   */
  static SeasonalNaiveForecastModel fit(
      double[] values,
      int period,
      int seasons,
      int skip,
      Instant start,
      Duration step,
      String description) {
    if (period < 1) {
      throw new IllegalArgumentException("seasonal naive period must be >= 1, got " + period);
    }
    if (seasons < 1) {
      throw new IllegalArgumentException("seasonal naive seasons must be >= 1, got " + seasons);
    }
    int n = values.length;
    if (n <= period) {
      throw new ForecastException(
          "seasonal naive with period "
              + period
              + " needs at least "
              + (period + 1)
              + " observations, got "
              + n);
    }
    double[] y = values.clone();
    double ss = 0;
    int count = 0;
    for (int t = period; t < n; t++) {
      double f = average(y, t, period, seasons);
      if (!Double.isNaN(f) && !Double.isNaN(y[t])) {
        ss += (y[t] - f) * (y[t] - f);
        count++;
      }
    }
    if (count == 0) {
      throw new ForecastException(
          "seasonal naive: the series has no pair of values one season apart");
    }
    return new SeasonalNaiveForecastModel(
        y, period, seasons, Math.sqrt(ss / count), skip, start, step, description);
  }

  @Override
  public Forecast forecast(int steps, double level) {
    if (steps < 1) {
      throw new IllegalArgumentException("forecast steps must be >= 1, got " + steps);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("forecast level must be in (0, 1), got " + level);
    }
    double z = Math.sqrt(2) * Erf.erfInv(level);
    int n = history.length;
    double[] ext = new double[n + skip + steps];
    System.arraycopy(history, 0, ext, 0, n);
    double[] m = new double[steps];
    double[] lo = new double[steps];
    double[] hi = new double[steps];
    for (int h = 0; h < skip + steps; h++) {
      double f = average(ext, n + h, period, seasons);
      if (Double.isNaN(f)) {
        throw new ForecastException(
            "seasonal naive: no value at the phase of step " + (h + 1) + " in the history");
      }
      ext[n + h] = f;
      if (h >= skip) {
        int i = h - skip;
        double half = z * sigma * Math.sqrt(h / period + 1);
        m[i] = f;
        lo[i] = f - half;
        hi[i] = f + half;
      }
    }
    return new Forecast(start, step, m, lo, hi, level, description);
  }

  /** The mean of the values 1..seasons periods before t, skipping missing ones; NaN when none. */
  private static double average(double[] y, int t, int period, int seasons) {
    double s = 0;
    int c = 0;
    for (int j = 1; j <= seasons && t - j * period >= 0; j++) {
      double v = y[t - j * period];
      if (!Double.isNaN(v)) {
        s += v;
        c++;
      }
    }
    return c == 0 ? Double.NaN : s / c;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
