package io.ecokube.controller.api;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The cluster's demand (CPU cores requested by work pods) sampled at a fixed period, and a forecast
 * of it, so the dashboard can set the forecast beside what came.
 *
 * <p>Each sample also remembers what the forecast made at the previous sample said for it, so
 * "forecast vs actual" is the forecast as it was, not one refitted on the answer.
 */
public final class DemandHistory {
  private final DoubleSupplier demand;
  private final Duration period;
  private final int capacity;
  private final Forecaster forecaster;
  private final Clock clock;
  private final Deque<Point> points = new ArrayDeque<>();
  private Optional<Forecast> latest = Optional.empty();

  /**
   * One sample.
   *
   * @param at when
   * @param cores the demand
   * @param forecast what the forecast made one period earlier said, when there was one
   */
  public record Point(Instant at, double cores, Optional<Double> forecast) {}

  /**
   * A history.
   *
   * @param demand the demand now, in cores
   * @param period the sampling period (the caller samples at it)
   * @param capacity samples kept
   * @param forecaster fits the history
   * @param clock time
   */
  public DemandHistory(
      DoubleSupplier demand, Duration period, int capacity, Forecaster forecaster, Clock clock) {
    this.demand = Objects.requireNonNull(demand, "demand");
    this.period = Objects.requireNonNull(period, "period");
    this.capacity = capacity;
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The sampling period. */
  public Duration period() {
    return period;
  }

  /** Records the demand now and refits the forecast on the history. */
  public void sample() {
    double cores = demand.getAsDouble();
    Instant now = clock.now();
    List<Point> copy;
    synchronized (this) {
      Optional<Double> said = latest.map(f -> Math.max(0, f.mean()[0]));
      points.add(new Point(now, cores, said));
      while (points.size() > capacity) {
        points.removeFirst();
      }
      copy = new ArrayList<>(points);
    }
    Optional<Forecast> next = fit(copy, 12);
    synchronized (this) {
      latest = next;
    }
  }

  /** The samples, oldest first. */
  public synchronized List<Point> points() {
    return List.copyOf(points);
  }

  /** The forecast from the newest sample on, {@code steps} periods ahead, when one can be fit. */
  public Optional<Forecast> forecast(int steps) {
    return fit(points(), steps);
  }

  private Optional<Forecast> fit(List<Point> copy, int steps) {
    if (copy.size() < 12) {
      return Optional.empty();
    }
    double[] v = copy.stream().mapToDouble(Point::cores).toArray();
    Instant start = copy.get(0).at();
    try {
      return Optional.of(forecaster.fit(new TimeSeries(start, period, v)).forecast(steps, 0.8));
    } catch (ForecastException | IllegalArgumentException e) {
      // A constant or too short history has no model; the dashboard then shows demand alone.
      return Optional.empty();
    }
  }
}
