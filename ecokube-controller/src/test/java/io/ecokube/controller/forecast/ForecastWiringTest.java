package io.ecokube.controller.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.ManualClock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.ForecastSettings;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.micrometer.EcoKubeMetrics;
import io.ecokube.predict.baseline.SeasonalNaiveForecaster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The controller's forecast on virtual time: a daily ramp seen for two days is expected on the
 * third before it arrives, with the configured models of ecokube-predict; fits run off the caller's
 * thread and a failed or slow fit keeps the last good model.
 */
class ForecastWiringTest {
  private static final Instant MIDNIGHT = Instant.parse("2026-01-05T00:00:00Z");

  /** Runs a fit at once, on the caller's thread: the test sees its result without waiting. */
  private static final Executor DIRECT = Runnable::run;

  private final ManualClock clock = new ManualClock(MIDNIGHT);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EcoKubeMetrics metrics = EcoKubeMetrics.builder(registry).build();
  private int cores;

  private ClusterSnapshot snapshot() {
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < cores; i++) {
      pods.add(
          PodInfo.running(
              "batch", "p" + i, "n1", SchedulingRequirements.of(new Resources(1000, 0, 0, 1))));
    }
    return new ClusterSnapshot(clock.now(), List.of(), pods);
  }

  private ForecastSettings load(String section) {
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      return ConfigLoader.using(none).parse(section, "f.yaml").forecast();
    }
  }

  /** 8 cores from 08:00 to 18:00, a little noise at night, none otherwise. */
  private static int ramp(long hour, long day) {
    long h = hour % 24;
    return h >= 8 && h < 18 ? 8 : (int) ((h * 7 + day * 3) % 2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{model: seasonal-naive, step: 1h, season: 1d, horizon: 2h}",
        "{model: arima, order: [0, 0, 0], seasonalOrder: [0, 1, 0], step: 1h, season: 1d,"
            + " horizon: 2h}"
      })
  void aDailyRampIsExpectedBeforeItArrives(String section) {
    ForecastWiring w =
        ForecastWiring.start(
                load("forecast: " + section + "\n"),
                List.of(),
                Optional.empty(),
                this::snapshot,
                metrics,
                registry,
                clock,
                DIRECT)
            .orElseThrow();
    // Two days and six hours of hourly reconciles: demand seen, the ramp not yet on day 3.
    for (long hour = 0; hour < 2 * 24 + 6; hour++) {
      cores = ramp(hour, hour / 24);
      w.get();
      clock.advance(Duration.ofHours(1));
    }
    // Day 3, 06:30: the ramp at 08:00 is within the 2 h horizon.
    clock.advance(Duration.ofMinutes(30));
    cores = 0;
    Demand d = w.get();
    assertThat(d.expected()).hasSize(1);
    assertThat(d.expected().get(0).workload()).isEqualTo(ForecastWiring.FORECAST);
    assertThat(d.expected().get(0).replicas()).isGreaterThanOrEqualTo(8);
    assertThat(d.expected().get(0).reason()).contains("forecast");
    assertThat(registry.get("ecokube.demand.actual").tag("series", "cpu").gauge().value()).isZero();
    assertThat(registry.get("ecokube.demand.forecast").tag("series", "cpu").gauge().value())
        .isGreaterThanOrEqualTo(8);
    assertThat(registry.get("ecokube.forecast.fits").tag("outcome", "ok").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void offMeansNoWiring() {
    assertThat(
            ForecastWiring.start(
                ForecastSettings.off(),
                List.of(),
                Optional.empty(),
                this::snapshot,
                metrics,
                registry,
                clock,
                DIRECT))
        .isEmpty();
  }

  @Test
  void aFailedOrSlowFitKeepsTheLastGoodModel() throws Exception {
    Forecaster naive = new SeasonalNaiveForecaster(2, 1);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Forecaster flaky =
        series -> {
          int n = calls.incrementAndGet();
          if (n == 2) {
            throw new ForecastException("series is constant");
          }
          if (n == 3) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return naive.fit(series);
        };
    List<BackgroundForecaster.Outcome> outcomes = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    // Fits 1 and 2 on the caller's thread; fit 3 on a thread of its own, where it blocks.
    Executor exec =
        r -> {
          if (calls.get() < 2) {
            r.run();
          } else {
            Thread t = new Thread(r, "slow-fit");
            threads.add(t);
            t.start();
          }
        };
    BackgroundForecaster f =
        new BackgroundForecaster(
            flaky, clock, Duration.ofHours(1), Duration.ofMinutes(2), exec, outcomes::add);
    TimeSeries s = new TimeSeries(MIDNIGHT, Duration.ofMinutes(5), new double[] {1, 5, 1, 5, 1});
    ForecastModel first = f.fit(s);
    assertThat(outcomes).containsExactly(BackgroundForecaster.Outcome.OK);
    assertThat(first.forecast(2, 0.8).mean()).containsExactly(5, 1);

    // An hour later the refit fails: the last good model answers, read from the new series end.
    clock.advance(Duration.ofHours(1));
    TimeSeries later =
        new TimeSeries(MIDNIGHT, Duration.ofMinutes(5), new double[] {1, 5, 1, 5, 1, 5});
    ForecastModel kept = f.fit(later);
    assertThat(outcomes)
        .containsExactly(BackgroundForecaster.Outcome.OK, BackgroundForecaster.Outcome.FAILED);
    assertThat(kept.forecast(2, 0.8).start()).isEqualTo(later.end());
    assertThat(kept.forecast(2, 0.8).mean()).containsExactly(1, 5);

    // The next refit hangs: the caller is answered at once, and after the timeout it is abandoned.
    clock.advance(Duration.ofHours(1));
    assertThat(f.fit(later).forecast(1, 0.8).mean()).containsExactly(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(f.fit(later).description()).isEqualTo(first.description());
    assertThat(outcomes).endsWith(BackgroundForecaster.Outcome.SLOW);
    release.countDown();
    for (Thread t : threads) {
      t.join();
    }
  }

  @Test
  void withoutAGoodFitThereIsNoModel() {
    BackgroundForecaster f =
        new BackgroundForecaster(
            series -> {
              throw new ForecastException("too short");
            },
            clock,
            Duration.ofHours(1),
            Duration.ofMinutes(2),
            DIRECT,
            o -> {});
    assertThatThrownBy(
            () -> f.fit(new TimeSeries(MIDNIGHT, Duration.ofMinutes(5), new double[] {1, 2})))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("no fit has succeeded");
    assertThat(f.hasModel()).isFalse();
  }
}
