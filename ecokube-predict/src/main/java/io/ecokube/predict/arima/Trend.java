package io.ecokube.predict.arima;

/** The deterministic part of an ARIMA model. */
public enum Trend {
  /** No deterministic term: the differenced series has mean zero. */
  NONE,
  /**
   * A constant mean; only for models without differencing ({@code d + D = 0}). Matches statsmodels'
   * {@code trend="c"} and R's "non-zero mean".
   */
  CONSTANT,
  /**
   * A linear trend with slope {@code drift} per step; only for models differenced once in total
   * ({@code d + D = 1}), where it becomes the mean of the differenced series. Matches statsmodels'
   * {@code trend="t"} (its {@code x1}) and R's "with drift".
   */
  DRIFT
}
