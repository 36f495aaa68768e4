package io.ecokube.predict.baseline;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.predict.PreparedSeries;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Forecasts the sample mean for every step, with the interval {@code mean +- t(n-1) s sqrt(1 +
 * 1/n)} of an i.i.d. normal series. A constant series gets a zero-width interval. Immutable and
 * thread-safe.
 */
public final class MeanForecastModel implements ForecastModel {
  private final double mean;
  private final double sd;
  private final int n;
  private final Instant start;
  private final Duration step;
  private final String description;

  private MeanForecastModel(
      double mean, double sd, int n, Instant start, Duration step, String description) {
    this.mean = mean;
    this.sd = sd;
    this.n = n;
    this.start = start;
    this.step = step;
    this.description = description;
  }

  /**
   * Fits the mean.
   *
   * @param reason why this model is used, shown in {@link #description()} (empty for none)
   * @throws ForecastException when the series has fewer than 2 values and is not a single constant
   */
  public static MeanForecastModel fit(PreparedSeries series, String reason) {
    double[] y = series.values();
    int n = y.length;
    double m = 0;
    for (double v : y) {
      m += v;
    }
    m /= n;
    double ss = 0;
    for (double v : y) {
      ss += (v - m) * (v - m);
    }
    boolean constant = ss == 0;
    if (n < 2) {
      throw new ForecastException(
          "series has " + n + " observation; the mean forecast needs at least 2");
    }
    double sd = constant ? 0 : Math.sqrt(ss / (n - 1));
    String label = "mean" + (reason.isEmpty() ? "" : " (fallback: " + reason + ")");
    return new MeanForecastModel(
        m, sd, n, series.forecastStart(), series.step(), label + series.gapNote());
  }

  /** The forecast value. */
  public double mean() {
    return mean;
  }

  @Override
  public Forecast forecast(int steps, double level) {
    if (steps < 1) {
      throw new IllegalArgumentException("forecast steps must be >= 1, got " + steps);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("forecast level must be in (0, 1), got " + level);
    }
    double q = new TDistribution(null, n - 1).inverseCumulativeProbability((1 + level) / 2);
    double half = q * sd * Math.sqrt(1 + 1.0 / n);
    double[] m = new double[steps];
    double[] lo = new double[steps];
    double[] hi = new double[steps];
    for (int i = 0; i < steps; i++) {
      m[i] = mean;
      lo[i] = mean - half;
      hi[i] = mean + half;
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
