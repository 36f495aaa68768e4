package io.ecokube.api.forecast;

/**
 * A model fitted to one series, ready to forecast the steps after it. Immutable and thread-safe.
 */
public interface ForecastModel {

  /**
   * Forecasts the next steps.
   *
   * @param steps how many steps ahead, at least 1
   * @param level the prediction interval's coverage, in (0, 1)
   */
  Forecast forecast(int steps, double level);

  /** What the model is, for logs: {@code ARIMA(2,1,1) with drift}. */
  String description();
}
