package io.ecokube.predict.baseline;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.predict.PreparedSeries;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.math3.special.Erf;

/**
 * Repeats the last season: the forecast for a step is the last observed value one period earlier
 * (period 1 gives the naive "last value" forecast). The interval is normal with the residual
 * standard deviation {@code sigma} of {@code y[t] - y[t-s]}, widened to {@code sigma sqrt(k + 1)}
 * in the k-th season ahead. Immutable and thread-safe.
 */
public final class SeasonalNaiveForecastModel implements ForecastModel {
  private final double[] lastSeason;
  private final double sigma;
  private final int skip;
  private final Instant start;
  private final Duration step;
  private final String description;

  private SeasonalNaiveForecastModel(
      double[] lastSeason, double sigma, int skip, Instant start, Duration step, String d) {
    this.lastSeason = lastSeason;
    this.sigma = sigma;
    this.skip = skip;
    this.start = start;
    this.step = step;
    this.description = d;
  }

  /**
   * Fits the model.
   *
   * @param period the seasonal period, at least 1
   * @param reason why this model is used, shown in {@link #description()} (empty for none)
   * @throws ForecastException when the series is not longer than one period
   */
  public static SeasonalNaiveForecastModel fit(PreparedSeries series, int period, String reason) {
    if (period < 1) {
      throw new IllegalArgumentException("seasonal naive period must be >= 1, got " + period);
    }
    double[] y = series.values();
    int n = y.length;
    if (n <= period) {
      throw new ForecastException(
          "seasonal naive with period "
              + period
              + " needs at least "
              + (period + 1)
              + " observations, got "
              + n);
    }
    double ss = 0;
    for (int t = period; t < n; t++) {
      double e = y[t] - y[t - period];
      ss += e * e;
    }
    double sigma = Math.sqrt(ss / (n - period));
    double[] last = new double[period];
    System.arraycopy(y, n - period, last, 0, period);
    String name = period == 1 ? "naive" : "seasonal naive[" + period + "]";
    String label = name + (reason.isEmpty() ? "" : " (fallback: " + reason + ")");
    return new SeasonalNaiveForecastModel(
        last,
        sigma,
        series.trailingMissing(),
        series.forecastStart(),
        series.step(),
        label + series.gapNote());
  }

  @Override
  public Forecast forecast(int steps, double level) {
    if (steps < 1) {
      throw new IllegalArgumentException("forecast steps must be >= 1, got " + steps);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("forecast level must be in (0, 1), got " + level);
    }
    int period = lastSeason.length;
    double z = Math.sqrt(2) * Erf.erfInv(level);
    double[] m = new double[steps];
    double[] lo = new double[steps];
    double[] hi = new double[steps];
    for (int i = 0; i < steps; i++) {
      int h = i + skip;
      m[i] = lastSeason[h % period];
      double half = z * sigma * Math.sqrt(h / period + 1);
      lo[i] = m[i] - half;
      hi[i] = m[i] + half;
    }
    return new Forecast(start, step, m, lo, hi, level, description);
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
