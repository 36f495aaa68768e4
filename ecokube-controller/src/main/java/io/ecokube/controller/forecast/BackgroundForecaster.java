package io.ecokube.controller.forecast;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a forecaster off the caller's thread. {@link #fit} is called on the reconcile thread (by
 * pre-wake, every step): it never waits for a fit. It starts a background fit when one is due (the
 * first call, then every refit interval), and answers at once with the last good model, read from
 * the end of the series it is given. A fit that fails, or is still running after the fit timeout
 * (then abandoned), leaves the last good model in use; both are logged and reported to the outcome
 * listener (a metric). Until the first fit succeeds there is no model and pre-wake reacts to the
 * demand it sees. Thread-safe.
 */
public final class BackgroundForecaster implements Forecaster {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundForecaster.class);

  /** What became of a background fit. */
  public enum Outcome {
    /** The new model is used from now on. */
    OK,
    /** The fit threw; the last good model stays. */
    FAILED,
    /** The fit ran past the timeout and was abandoned; the last good model stays. */
    SLOW
  }

  private final Forecaster forecaster;
  private final Clock clock;
  private final Duration refitInterval;
  private final Duration fitTimeout;
  private final Executor executor;
  private final Consumer<Outcome> outcomes;
  private final AtomicBoolean busy = new AtomicBoolean();

  private Fitted good;
  private CompletableFuture<Fitted> running;
  private Instant runningSince;
  private Instant lastStart;

  private record Fitted(ForecastModel model, Instant end, Duration step) {}

  /**
   * A background forecaster.
   *
   * @param forecaster the model that is fitted
   * @param clock when fits are due and how long they have run
   * @param refitInterval how often a new fit starts
   * @param fitTimeout how long a fit may run before it is abandoned
   * @param executor runs the fits (a thread of their own in the controller)
   * @param outcomes told of every fit's outcome
   */
  public BackgroundForecaster(
      Forecaster forecaster,
      Clock clock,
      Duration refitInterval,
      Duration fitTimeout,
      Executor executor,
      Consumer<Outcome> outcomes) {
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refitInterval = Objects.requireNonNull(refitInterval, "refitInterval");
    this.fitTimeout = Objects.requireNonNull(fitTimeout, "fitTimeout");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
  }

  /**
   * The last good model, forecasting from the end of {@code series}; starts a background fit on
   * {@code series} when one is due.
   *
   * @throws ForecastException while no fit has succeeded yet
   */
  @Override
  public synchronized ForecastModel fit(TimeSeries series) {
    Instant now = clock.now();
    collect(now);
    boolean due = lastStart == null || !now.isBefore(lastStart.plus(refitInterval));
    if (running == null && due && busy.compareAndSet(false, true)) {
      lastStart = now;
      runningSince = now;
      running =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new Fitted(forecaster.fit(series), series.end(), series.step());
                } finally {
                  busy.set(false);
                }
              },
              executor);
      collect(now);
    }
    if (good == null) {
      throw new ForecastException(
          running != null
              ? "no forecast model yet: the first fit is running"
              : "no forecast model yet: no fit has succeeded");
    }
    return new Shifted(good, series.end());
  }

  /** Whether a good model exists. */
  public synchronized boolean hasModel() {
    return good != null;
  }

  /** Takes a finished fit's result, or abandons one that ran too long. */
  private void collect(Instant now) {
    if (running == null) {
      return;
    }
    if (running.isDone()) {
      try {
        good = running.join();
        LOG.info(
            "forecast: fitted {} on the series up to {}", good.model().description(), good.end());
        outcomes.accept(Outcome.OK);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        LOG.warn(
            "forecast: fit failed ({}); {}",
            cause.getMessage(),
            good == null
                ? "no model yet, reacting to seen demand"
                : "keeping the last good model, " + good.model().description());
        outcomes.accept(Outcome.FAILED);
      }
      running = null;
    } else if (!now.isBefore(runningSince.plus(fitTimeout))) {
      running.cancel(true);
      running = null;
      LOG.warn(
          "forecast: fit still running after {}, abandoned; {}",
          fitTimeout,
          good == null
              ? "no model yet, reacting to seen demand"
              : "keeping the last good model, " + good.model().description());
      outcomes.accept(Outcome.SLOW);
    }
  }

  /** A fitted model read from a later series end: its forecast, the steps before dropped. */
  private record Shifted(Fitted fitted, Instant end) implements ForecastModel {
    @Override
    public Forecast forecast(int steps, double level) {
      long stepMillis = fitted.step().toMillis();
      int skip = (int) Math.max(0, (end.toEpochMilli() - fitted.end().toEpochMilli()) / stepMillis);
      Forecast f = fitted.model().forecast(skip + steps, level);
      return new Forecast(
          end,
          fitted.step(),
          Arrays.copyOfRange(f.mean(), skip, skip + steps),
          Arrays.copyOfRange(f.lower(), skip, skip + steps),
          Arrays.copyOfRange(f.upper(), skip, skip + steps),
          f.level(),
          f.model());
    }

    @Override
    public String description() {
      return fitted.model().description();
    }
  }
}
