package io.ecokube.kafka.lag;

import io.ecokube.api.forecast.TimeSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The produce rate of a topic in records per second, as a regularly spaced {@link TimeSeries} that
 * a forecaster can fit. Fed with successive (time, total end offset) observations: value {@code i}
 * is the rate over the poll interval that ended in step {@code i}. Steps without an observation
 * (stale polls, a late poller) are {@link Double#NaN}; when the end-offset sum falls (the topic was
 * deleted and created again) the rate restarts instead of going negative. Thread-safe.
 */
public final class ProduceRateSeries {
  private final Duration step;
  private final int capacity;
  private final TreeMap<Long, Double> ratePerStep = new TreeMap<>();
  private Instant origin;
  private Instant lastAt;
  private long lastProduced;

  /**
   * @param step the spacing of the series, normally the poll interval
   * @param capacity how many of the latest steps to keep
   */
  public ProduceRateSeries(Duration step, int capacity) {
    this.step = Objects.requireNonNull(step, "step");
    if (step.isZero() || step.isNegative()) {
      throw new IllegalArgumentException("produce-rate step must be positive, got " + step);
    }
    if (capacity <= 0) {
      throw new IllegalArgumentException("produce-rate capacity must be > 0, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records the topic's total end offset as observed at {@code at}. */
  public synchronized void record(Instant at, long producedRecords) {
    Objects.requireNonNull(at, "at");
    if (origin == null) {
      origin = at;
    }
    if (lastAt != null && at.isAfter(lastAt) && producedRecords >= lastProduced) {
      double seconds = Duration.between(lastAt, at).toNanos() / 1e9;
      long index = Duration.between(origin, at).toNanos() / step.toNanos();
      ratePerStep.put(index, (producedRecords - lastProduced) / seconds);
      while (ratePerStep.lastKey() - ratePerStep.firstKey() >= capacity) {
        ratePerStep.pollFirstEntry();
      }
    }
    if (lastAt == null || !at.isBefore(lastAt)) {
      lastAt = at;
      lastProduced = producedRecords;
    }
  }

  /** The series so far; empty until two observations gave a first rate. */
  public synchronized Optional<TimeSeries> series() {
    if (ratePerStep.isEmpty()) {
      return Optional.empty();
    }
    long first = ratePerStep.firstKey();
    double[] values = new double[(int) (ratePerStep.lastKey() - first + 1)];
    Arrays.fill(values, Double.NaN);
    for (Map.Entry<Long, Double> e : ratePerStep.entrySet()) {
      values[(int) (e.getKey() - first)] = e.getValue();
    }
    return Optional.of(new TimeSeries(origin.plus(step.multipliedBy(first)), step, values));
  }
}
