package io.ecokube.core.prewake;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;

/**
 * A test forecaster that repeats the last season exactly, with a zero-width interval: enough to
 * drive pre-wake without depending on ecokube-predict, whose seasonal naive is the real one.
 */
public final class LastSeasonForecaster implements Forecaster {
  /** Shown as the model's description, so tests can check it reached the reason text. */
  public static final String DESCRIPTION = "last season (test)";

  private final int period;

  /** Repeats the last {@code period} steps. */
  public LastSeasonForecaster(int period) {
    this.period = period;
  }

  @Override
  public ForecastModel fit(TimeSeries series) {
    double[] y = series.values();
    if (y.length < period) {
      throw new ForecastException("needs one season of " + period + " steps, got " + y.length);
    }
    return new ForecastModel() {
      @Override
      public Forecast forecast(int steps, double level) {
        double[] m = new double[steps];
        for (int h = 0; h < steps; h++) {
          m[h] = y[y.length - period + h % period];
        }
        return new Forecast(series.end(), series.step(), m, m, m, level, DESCRIPTION);
      }

      @Override
      public String description() {
        return DESCRIPTION;
      }
    };
  }
}
