package io.ecokube.core.prewake;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;

/**
 * A seasonal naive forecaster: the value one season ago, averaged over the last {@code seasons}
 * seasons, is the forecast for the same phase of the season ahead. It is the dependable baseline of
 * daily rhythms (use ARIMA from {@code ecokube-predict} where it fits better) and the forecaster of
 * pre-wake when no other is configured.
 *
 * <p>Intervals assume normal errors: the residuals are the in-sample one-season-ahead errors {@code
 * y[t] - forecast(t)}; their root mean square {@code sigma} grows with the number of seasons ahead
 * {@code k} as {@code sigma * sqrt(k)}. Missing values ({@code NaN}) are skipped in the averages
 * and residuals. A series shorter than one season plus one value is rejected with a {@link
 * ForecastException}.
 */
public final class SeasonalNaiveForecaster implements Forecaster {
  private final int period;
  private final int seasons;

  /**
   * A forecaster.
   *
   * @param period steps in one season (288 for a day of 5 min steps), >= 1
   * @param seasons how many past seasons are averaged, >= 1 (1 is the classic seasonal naive)
   */
  public SeasonalNaiveForecaster(int period, int seasons) {
    if (period < 1) {
      throw new IllegalArgumentException("period must be >= 1, got " + period);
    }
    if (seasons < 1) {
      throw new IllegalArgumentException("seasons must be >= 1, got " + seasons);
    }
    this.period = period;
    this.seasons = seasons;
  }

  @Override
  public ForecastModel fit(TimeSeries series) {
    int n = series.size();
    if (n < period + 1) {
      throw new ForecastException(
          "seasonal naive needs at least one season plus one value ("
              + (period + 1)
              + " steps), the series has "
              + n);
    }
    double[] y = series.values();
    double sum = 0;
    int count = 0;
    for (int t = period; t < n; t++) {
      double f = average(y, t);
      if (!Double.isNaN(f) && !Double.isNaN(y[t])) {
        sum += (y[t] - f) * (y[t] - f);
        count++;
      }
    }
    if (count == 0) {
      throw new ForecastException(
          "seasonal naive: the series has no pair of values one season apart");
    }
    double sigma = Math.sqrt(sum / count);
    String description = "seasonal naive(period " + period + ", " + seasons + " seasons)";
    return new ForecastModel() {
      @Override
      public Forecast forecast(int steps, double level) {
        if (steps < 1) {
          throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        double z = normalQuantile(0.5 + level / 2);
        double[] mean = new double[steps];
        double[] lower = new double[steps];
        double[] upper = new double[steps];
        double[] ext = new double[n + steps];
        System.arraycopy(y, 0, ext, 0, n);
        for (int h = 0; h < steps; h++) {
          double f = average(ext, n + h);
          if (Double.isNaN(f)) {
            throw new ForecastException(
                "seasonal naive: no value at the phase of step " + (h + 1) + " in the history");
          }
          ext[n + h] = f;
          int k = h / period + 1;
          double half = z * sigma * Math.sqrt(k);
          mean[h] = f;
          lower[h] = f - half;
          upper[h] = f + half;
        }
        return new Forecast(series.end(), series.step(), mean, lower, upper, level, description);
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  /**
   * The mean of the values 1..seasons periods before t, skipping missing ones; NaN when none.
   * Beyond the series' end the array holds earlier forecasts, as the seasonal naive recursion
   * wants.
   */
  private double average(double[] y, int t) {
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

  /** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
  static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
    }
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -normalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
