package io.ecokube.core.prewake;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.Clock;
import io.ecokube.core.prewake.PreWakeSettings.Aggregation;
import io.ecokube.core.prewake.PreWakeSettings.Estimate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predictive pre-wake: keeps a demand series, forecasts it, and turns the forecast over the lead
 * time (the longest boot time) into the {@link Demand#expected() expected} demand the engine wakes
 * nodes for, so they are Ready when the work arrives.
 *
 * <p>Feed it observations with {@link #record(double)} (pods required now, or arrivals since the
 * last call), read {@link #outlook()} or {@link #expected} when building the engine's {@link
 * Demand}. Observations are aggregated into steps of {@link PreWakeSettings#step()} aligned to the
 * epoch. The {@link Forecaster} is fitted on the closed steps once at least {@link
 * PreWakeSettings#minHistory()} of them exist and then again every {@link
 * PreWakeSettings#refitEvery()}, never on every call: between fits the last forecast is read at the
 * clock's time. A forecast covers the steps from the current one to past the next refit plus the
 * lead time.
 *
 * <p>Reading: the steps that overlap {@code [now, now + leadTime]} are taken, each at its upper
 * bound or its mean ({@link PreWakeSettings#estimate()}), negative values as zero. A {@link
 * Aggregation#MAX MAX} series gives the largest of them (the peak level expected); a {@link
 * Aggregation#SUM SUM} series gives their sum weighted by how much of each step falls inside the
 * lead time (arrivals expected).
 *
 * <p>Fallback: when the series is too short, the forecaster throws, the forecast does not reach far
 * enough, or it is unsure (at a step read, the interval is wider than {@link
 * PreWakeSettings#maxRelativeWidth()} times {@code max(|mean|, 1)}), there is no expected demand
 * and the engine reacts to the demand it sees, as without pre-wake. A failed fit is retried at the
 * next refit time. Expected demand only ever wakes nodes: the engine never lets it keep a node from
 * the guard, and this class neither reads nor touches the guard. Thread-safe.
 */
public final class PreWake {
  private static final Logger LOG = LoggerFactory.getLogger(PreWake.class);

  private final PreWakeSettings settings;
  private final Forecaster forecaster;
  private final Clock clock;
  private final long stepMillis;
  private final int historySteps;
  private final int minSteps;

  private final Deque<Double> closed = new ArrayDeque<>();
  private long currentIndex = Long.MIN_VALUE;
  private double currentValue = Double.NaN;
  private Instant lastFit;
  private Optional<Forecast> forecast = Optional.empty();
  private String fitProblem = "";
  private int fits;

  /**
   * A pre-wake with no history yet.
   *
   * @param settings the settings
   * @param forecaster fits the series
   * @param clock the clock (virtual in the simulator)
   */
  public PreWake(PreWakeSettings settings, Forecaster forecaster, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stepMillis = settings.step().toMillis();
    this.historySteps = settings.steps(settings.history());
    this.minSteps = settings.steps(settings.minHistory());
  }

  /** The settings. */
  public PreWakeSettings settings() {
    return settings;
  }

  /**
   * Records an observation at the clock's now: the demand right now for a {@link Aggregation#MAX}
   * series, a count to add for a {@link Aggregation#SUM} series.
   *
   * @throws IllegalArgumentException when the value is negative or not finite
   */
  public synchronized void record(double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException("demand observation must be finite and >= 0: " + value);
    }
    advance(clock.now());
    if (Double.isNaN(currentValue)) {
      currentValue = value;
    } else if (settings.aggregation() == Aggregation.MAX) {
      currentValue = Math.max(currentValue, value);
    } else {
      currentValue += value;
    }
  }

  /** How many times the forecaster has been fitted (successfully or not). */
  public synchronized int fits() {
    return fits;
  }

  /**
   * When the next refit is due: callers that skip {@link #outlook()} calls while nothing changes (a
   * simulator fast-forwarding quiet time) must call it then. Empty before the first fit, which
   * happens at the first step boundary with enough history.
   */
  public synchronized Optional<Instant> nextFitDue() {
    return lastFit == null ? Optional.empty() : Optional.of(lastFit.plus(settings.refitEvery()));
  }

  /** The closed steps of the series, oldest first (at most {@link PreWakeSettings#history()}). */
  public synchronized TimeSeries series() {
    advance(clock.now());
    return closedSeries();
  }

  /** What is expected over the lead time from now; fits the forecaster first when a fit is due. */
  public synchronized PreWakeOutlook outlook() {
    Instant now = clock.now();
    advance(now);
    if (closed.size() < minSteps) {
      return PreWakeOutlook.none(
          "pre-wake history is "
              + closed.size()
              + " of the "
              + minSteps
              + " steps needed before forecasting");
    }
    if (lastFit == null || !now.isBefore(lastFit.plus(settings.refitEvery()))) {
      fit(now);
    }
    if (forecast.isEmpty()) {
      return PreWakeOutlook.none(fitProblem);
    }
    return read(forecast.get(), now);
  }

  /**
   * The expected demand of one workload, for {@link Demand#expected()}: pods for the outlook beyond
   * those already present.
   *
   * <p>The series must count pods of this template ({@link Aggregation#MAX}: pods required; {@link
   * Aggregation#SUM}: arriving pods). The engine counts the workload's own active pods against the
   * expected replicas by itself; pods it cannot attribute to the workload (bare batch pods) are
   * passed as {@code podsNow} and subtracted here, so the expected replicas are the forecast pods
   * beyond them.
   *
   * @param workload the workload the forecast pods belong to
   * @param podTemplate what each forecast pod needs
   * @param podsNow pods of this demand present now that the workload does not own (0 if it owns
   *     them all)
   * @return one demand, or nothing when no pod beyond those present is expected or there is no
   *     usable forecast
   */
  public List<WorkloadDemand> expected(
      WorkloadRef workload, SchedulingRequirements podTemplate, int podsNow) {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(podTemplate, "podTemplate");
    PreWakeOutlook o = outlook();
    if (o.demand().isEmpty()) {
      return List.of();
    }
    long pods = (long) Math.ceil(o.demand().getAsDouble() - 1e-9);
    long extra = pods - Math.max(0, podsNow);
    if (extra <= 0) {
      return List.of();
    }
    return List.of(
        new WorkloadDemand(
            workload,
            (int) Math.min(Integer.MAX_VALUE, extra),
            podTemplate,
            0,
            String.format(
                Locale.ROOT,
                "forecast %s: %d pods within %d s, %d present",
                o.model(),
                pods,
                settings.leadTime().toSeconds(),
                podsNow)));
  }

  private void advance(Instant now) {
    long idx = Math.floorDiv(now.toEpochMilli(), stepMillis);
    if (currentIndex == Long.MIN_VALUE) {
      currentIndex = idx;
      return;
    }
    if (idx <= currentIndex) {
      return;
    }
    double last = closed.isEmpty() ? 0 : closed.peekLast();
    double value = currentValue;
    if (Double.isNaN(value)) {
      value = settings.aggregation() == Aggregation.MAX ? last : 0;
    }
    push(value);
    long gap = Math.min(idx - currentIndex - 1, historySteps);
    double fill = settings.aggregation() == Aggregation.MAX ? value : 0;
    for (long k = 0; k < gap; k++) {
      push(fill);
    }
    currentIndex = idx;
    currentValue = Double.NaN;
  }

  private void push(double v) {
    closed.addLast(v);
    while (closed.size() > historySteps) {
      closed.removeFirst();
    }
  }

  private TimeSeries closedSeries() {
    double[] values = new double[closed.size()];
    int i = 0;
    for (double v : closed) {
      values[i++] = v;
    }
    Instant start = Instant.ofEpochMilli((currentIndex - values.length) * stepMillis);
    return new TimeSeries(start, settings.step(), values);
  }

  private void fit(Instant now) {
    lastFit = now;
    fits++;
    TimeSeries s = closedSeries();
    long ahead = settings.refitEvery().plus(settings.leadTime()).toMillis() / stepMillis + 2;
    int steps = (int) Math.min(ahead, 100_000);
    try {
      ForecastModel m = forecaster.fit(s);
      Forecast f = m.forecast(steps, settings.level());
      if (!f.start().equals(s.end()) || !f.step().equals(settings.step())) {
        throw new IllegalStateException(
            "forecast starts at "
                + f.start()
                + " with step "
                + f.step()
                + ", expected "
                + s.end()
                + " and "
                + settings.step());
      }
      forecast = Optional.of(f);
      fitProblem = "";
    } catch (RuntimeException e) {
      forecast = Optional.empty();
      fitProblem =
          "forecaster failed, reacting to seen demand until the next fit: " + e.getMessage();
      LOG.warn("pre-wake: {}", fitProblem);
    }
  }

  private PreWakeOutlook read(Forecast f, Instant now) {
    long lead = settings.leadTime().toMillis();
    long from = now.toEpochMilli() - f.start().toEpochMilli();
    int k0 = (int) Math.floorDiv(from, stepMillis);
    int k1 = (int) Math.floorDiv(from + Math.max(0, lead - 1), stepMillis);
    if (k0 < 0 || k1 >= f.horizon()) {
      return PreWakeOutlook.none(
          "forecast of "
              + f.model()
              + " does not cover "
              + now
              + " + "
              + settings.leadTime()
              + "; reacting until the next fit");
    }
    double[] est = settings.estimate() == Estimate.UPPER ? f.upper() : f.mean();
    double[] mean = f.mean();
    double[] lower = f.lower();
    double[] upper = f.upper();
    double result = 0;
    for (int k = k0; k <= k1; k++) {
      double width = upper[k] - lower[k];
      double scale = Math.max(Math.abs(mean[k]), 1);
      if (width > settings.maxRelativeWidth() * scale) {
        return PreWakeOutlook.none(
            String.format(
                Locale.ROOT,
                "forecast of %s is unsure: interval [%.1f, %.1f] around %.1f is wider than %.1f x"
                    + " %.1f; reacting to seen demand",
                f.model(),
                lower[k],
                upper[k],
                mean[k],
                settings.maxRelativeWidth(),
                scale));
      }
      double v = Math.max(0, est[k]);
      if (settings.aggregation() == Aggregation.MAX) {
        result = Math.max(result, v);
      } else {
        long bucketStart = k * stepMillis;
        long overlap =
            Math.min(bucketStart + stepMillis, from + lead) - Math.max(bucketStart, from);
        result += v * Math.max(0, overlap) / (double) stepMillis;
      }
    }
    return new PreWakeOutlook(
        OptionalDouble.of(result),
        f.model(),
        String.format(
            Locale.ROOT,
            "%s expects %.1f within %d s (%s at level %.2f)",
            f.model(),
            result,
            settings.leadTime().toSeconds(),
            settings.estimate() == Estimate.UPPER ? "upper bound" : "mean",
            f.level()));
  }
}
