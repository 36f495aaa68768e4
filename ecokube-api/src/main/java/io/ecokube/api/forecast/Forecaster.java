package io.ecokube.api.forecast;

/**
 * Fits a model to a series of demand (produce rate, backlog, pending pods, CPU) so the engine can
 * wake nodes for work that is expected within the longest boot time. The engine treats a failing or
 * unsure forecaster as absent and falls back to reacting to demand it sees.
 */
@FunctionalInterface
public interface Forecaster {

  /**
   * Fits a model.
   *
   * @throws ForecastException when the series cannot be fitted; the message says why
   */
  ForecastModel fit(TimeSeries series);
}
