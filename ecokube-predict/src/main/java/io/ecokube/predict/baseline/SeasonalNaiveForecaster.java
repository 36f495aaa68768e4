package io.ecokube.predict.baseline;

import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;

/**
 * Seasonal naive as a {@link Forecaster}: the value one season ago, averaged over the last {@code
 * seasons} seasons, is the forecast for the same phase of the season ahead (see {@link
 * SeasonalNaiveForecastModel}). The dependable baseline of daily rhythms and the forecaster the
 * replay, the simulator and the controller hand to pre-wake when no other is configured.
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

  /**
   * {@inheritDoc}
   *
   * @throws ForecastException when the series is not longer than one season
   */
  @Override
  public ForecastModel fit(TimeSeries series) {
    return SeasonalNaiveForecastModel.fit(
        series.values(),
        period,
        seasons,
        0,
        series.end(),
        series.step(),
        "seasonal naive(period " + period + ", " + seasons + " seasons)");
  }
}
