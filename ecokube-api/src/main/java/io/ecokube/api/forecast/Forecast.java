package io.ecokube.api.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Forecast values for the steps after a series ends, with a prediction interval at {@link
 * #level()}. All arrays have the same length and hold only finite numbers, with {@code lower <=
 * mean <= upper}.
 *
 * @param start the instant of the first forecast step
 * @param step the spacing of the steps
 * @param mean the point forecasts
 * @param lower the interval's lower bounds
 * @param upper the interval's upper bounds
 * @param level the interval's coverage, in (0, 1), e.g. 0.95
 * @param model what produced it, for logs: {@code ARIMA(1,1,1)}, {@code seasonal naive}, ...
 */
public record Forecast(
    Instant start,
    Duration step,
    double[] mean,
    double[] lower,
    double[] upper,
    double level,
    String model) {
  /** Validates and copies. */
  public Forecast {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(model, "model");
    mean = mean.clone();
    lower = lower.clone();
    upper = upper.clone();
    if (mean.length != lower.length || mean.length != upper.length) {
      throw new IllegalArgumentException("forecast arrays differ in length");
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("forecast level must be in (0, 1), got " + level);
    }
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i]) || !Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
        throw new IllegalArgumentException("forecast step " + i + " is not finite (" + model + ")");
      }
      if (lower[i] > mean[i] || mean[i] > upper[i]) {
        throw new IllegalArgumentException(
            "forecast step " + i + " has lower > mean or mean > upper (" + model + ")");
      }
    }
  }

  /** The number of steps. */
  public int horizon() {
    return mean.length;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] lower() {
    return lower.clone();
  }

  @Override
  public double[] upper() {
    return upper.clone();
  }

  /** The largest upper bound over the first {@code steps} steps (all steps if more are asked). */
  public double maxUpper(int steps) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < Math.min(steps, upper.length); i++) {
      m = Math.max(m, upper[i]);
    }
    return m;
  }

  /** The largest point forecast over the first {@code steps} steps. */
  public double maxMean(int steps) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < Math.min(steps, mean.length); i++) {
      m = Math.max(m, mean[i]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Forecast f
        && start.equals(f.start)
        && step.equals(f.step)
        && Arrays.equals(mean, f.mean)
        && Arrays.equals(lower, f.lower)
        && Arrays.equals(upper, f.upper)
        && level == f.level
        && model.equals(f.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, step, Arrays.hashCode(mean), level, model);
  }

  @Override
  public String toString() {
    return "Forecast[" + model + ", h=" + mean.length + ", level=" + level + "]";
  }
}
