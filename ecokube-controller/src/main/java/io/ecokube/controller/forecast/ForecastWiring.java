package io.ecokube.controller.forecast;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ForecastSettings;
import io.ecokube.core.prewake.PreWake;
import io.ecokube.core.prewake.PreWakeOutlook;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.micrometer.EcoKubeMetrics;
import io.ecokube.predict.arima.ArimaForecaster;
import io.ecokube.predict.arima.ArimaSpec;
import io.ecokube.predict.arima.AutoArimaForecaster;
import io.ecokube.predict.baseline.SeasonalNaiveForecaster;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's forecast pre-wake, from its {@code forecast} section. Every reconcile the demand
 * the engine reads passes through here: the CPU cores requested by the cluster's workload pods
 * (running and pending) are recorded into {@link PreWake}'s series, and the cores it expects over
 * the horizon beyond those present are added to {@link Demand#expected()} as pods of one core of a
 * {@code ecokube/forecast} workload, so nodes wake before the demand arrives (expected demand only
 * wakes; it never keeps a node from the guard). Fits run in the background ({@link
 * BackgroundForecaster}). The gauges {@code ecokube_demand_forecast{series="cpu"}} and {@code
 * ecokube_demand_actual{series="cpu"}} set forecast beside actual demand; {@code
 * ecokube_forecast_fits_total{outcome}} counts fits that succeeded, failed or were too slow.
 */
public final class ForecastWiring implements Supplier<Demand> {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastWiring.class);

  /** The name of the series in the demand gauges. */
  public static final String SERIES = "cpu";

  /** The workload the forecast pods are attributed to. */
  public static final WorkloadRef FORECAST = WorkloadRef.deployment("ecokube", "forecast");

  private static final SchedulingRequirements ONE_CORE =
      SchedulingRequirements.of(new Resources(1000, 0, 0, 1));

  private final Supplier<Demand> inner;
  private final Supplier<ClusterSnapshot> cluster;
  private final PreWake preWake;
  private final EcoKubeMetrics metrics;

  /** Runs each fit on a daemon thread of its own, so an abandoned fit blocks nothing. */
  public static final Executor OWN_THREAD =
      r -> {
        Thread t = new Thread(r, "ecokube-forecast-fit");
        t.setDaemon(true);
        t.start();
      };

  private ForecastWiring(
      Supplier<Demand> inner,
      Supplier<ClusterSnapshot> cluster,
      PreWake preWake,
      EcoKubeMetrics metrics) {
    this.inner = inner;
    this.cluster = cluster;
    this.preWake = preWake;
    this.metrics = metrics;
  }

  /**
   * The engine's demand with the forecast added, or empty when the config's forecast is off.
   *
   * @param settings the {@code forecast} section
   * @param nodes the configured nodes (the default horizon is their longest boot time + 1m)
   * @param inner the demand without forecast (Kafka backlog); empty: none
   * @param cluster the cluster snapshot, read on the reconcile thread
   * @param metrics where forecast and actual demand are set
   * @param registry where fit outcomes are counted
   * @param clock the clock
   * @param fits runs the background fits
   */
  public static Optional<ForecastWiring> start(
      ForecastSettings settings,
      List<NodeSpec> nodes,
      Optional<Supplier<Demand>> inner,
      Supplier<ClusterSnapshot> cluster,
      EcoKubeMetrics metrics,
      MeterRegistry registry,
      Clock clock,
      Executor fits) {
    if (settings.model() == ForecastSettings.Model.OFF) {
      return Optional.empty();
    }
    BackgroundForecaster background =
        new BackgroundForecaster(
            forecaster(settings),
            clock,
            settings.refitInterval(),
            settings.fitTimeout(),
            fits,
            o ->
                registry
                    .counter(
                        "ecokube.forecast.fits",
                        "outcome",
                        o.name().toLowerCase(java.util.Locale.ROOT))
                    .increment());
    PreWakeSettings pw =
        PreWakeSettings.builder(settings.horizonFor(nodes))
            .step(settings.step())
            // Pre-wake asks every step; the background forecaster decides when to really fit.
            .refitEvery(settings.step())
            .history(settings.history())
            .minHistory(settings.minHistory())
            .estimate(
                settings.upperBound()
                    ? PreWakeSettings.Estimate.UPPER
                    : PreWakeSettings.Estimate.MEAN)
            .level(settings.level())
            .build();
    LOG.info(
        "forecast: {} on {} steps, horizon {}, refit every {}",
        settings.model().text(),
        settings.step(),
        pw.leadTime(),
        settings.refitInterval());
    return Optional.of(
        new ForecastWiring(
            inner.orElse(() -> Demand.none(clock.now())),
            cluster,
            new PreWake(pw, background, clock),
            metrics));
  }

  /** The configured model as a forecaster. */
  static Forecaster forecaster(ForecastSettings s) {
    int period = s.seasonSteps();
    return switch (s.model()) {
      case AUTO_ARIMA -> AutoArimaForecaster.builder().seasonalPeriod(period).build();
      case ARIMA -> {
        ForecastSettings.ArimaOrder o = s.order().orElseThrow();
        ArimaSpec.Builder b = ArimaSpec.builder().order(o.p(), o.d(), o.q());
        if (period > 1) {
          b.seasonal(o.seasonalP(), o.seasonalD(), o.seasonalQ(), period);
        }
        yield new ArimaForecaster(b.build());
      }
      case SEASONAL_NAIVE -> new SeasonalNaiveForecaster(period, 1);
      case OFF -> throw new IllegalArgumentException("forecast is off");
    };
  }

  /** The demand for this reconcile: the inner demand plus the forecast pods. */
  @Override
  public Demand get() {
    Demand d = inner.get();
    double cores = 0;
    for (PodInfo p : cluster.get().pods()) {
      if (p.kind().countsAsWork() && p.phase().active()) {
        cores += p.scheduling().requests().cpuMillis() / 1000.0;
      }
    }
    metrics.recordActual(SERIES, cores);
    List<WorkloadDemand> forecast;
    try {
      preWake.record(cores);
      forecast = preWake.expected(FORECAST, ONE_CORE, (int) Math.ceil(cores - 1e-9));
      PreWakeOutlook o = preWake.outlook();
      o.demand().ifPresent(v -> metrics.recordForecast(SERIES, v));
    } catch (RuntimeException e) {
      LOG.warn("forecast: not used this reconcile: {}", e.toString());
      forecast = List.of();
    }
    if (forecast.isEmpty()) {
      return d;
    }
    List<WorkloadDemand> expected = new ArrayList<>(d.expected());
    expected.addAll(forecast);
    return new Demand(d.observedAt(), d.desired(), expected, d.staleReason());
  }

  /** The pre-wake, for tests and diagnostics. */
  PreWake preWake() {
    return preWake;
  }
}
