package io.ecokube.api.forecast;

/**
 * A series cannot be fitted or forecast (too short, constant where a model needs variance, gaps
 * beyond what the forecaster fills). The message says what was wrong and how long a series is
 * needed.
 */
public class ForecastException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception. */
  public ForecastException(String message) {
    super(message);
  }

  /** Creates an exception with a cause. */
  public ForecastException(String message, Throwable cause) {
    super(message, cause);
  }
}
