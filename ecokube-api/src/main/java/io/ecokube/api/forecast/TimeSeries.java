package io.ecokube.api.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A regularly spaced series: value {@code i} was observed at {@code start + i * step}. Missing
 * observations are {@link Double#NaN}; forecasters either fill them in a documented way or reject
 * the series with a clear message.
 *
 * @param start the instant of the first value
 * @param step the spacing, positive
 * @param values the observations (copied; never exposed mutably)
 */
public record TimeSeries(Instant start, Duration step, double[] values) {
  /** Validates and copies. */
  public TimeSeries {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(values, "values");
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("time series step must be positive, got " + step);
    }
    values = values.clone();
  }

  /** A copy of the values. */
  @Override
  public double[] values() {
    return values.clone();
  }

  /** The number of observations. */
  public int size() {
    return values.length;
  }

  /** One observation. */
  public double get(int i) {
    return values[i];
  }

  /** The instant just after the last observation, where a forecast's first step lands. */
  public Instant end() {
    return start.plus(step.multipliedBy(values.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeSeries t
        && start.equals(t.start)
        && step.equals(t.step)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, step, Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "TimeSeries[start=" + start + ", step=" + step + ", n=" + values.length + "]";
  }
}
