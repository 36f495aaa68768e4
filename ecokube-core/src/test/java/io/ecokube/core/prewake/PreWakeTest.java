package io.ecokube.core.prewake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.prewake.PreWakeSettings.Aggregation;
import io.ecokube.core.prewake.PreWakeSettings.Estimate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PreWakeTest {
  private static final Instant MIDNIGHT = Instant.parse("2026-01-01T00:00:00Z");
  private static final WorkloadRef BATCH = WorkloadRef.deployment("sim", "batch");
  private static final SchedulingRequirements ONE_CORE =
      SchedulingRequirements.of(Resources.request(1000, 0, 0));

  private final ManualClock clock = new ManualClock(MIDNIGHT);

  /** A model that always forecasts the same mean and interval. */
  private static Forecaster constant(double lower, double mean, double upper) {
    return s ->
        new ForecastModel() {
          @Override
          public Forecast forecast(int steps, double level) {
            double[] m = new double[steps];
            double[] lo = new double[steps];
            double[] up = new double[steps];
            Arrays.fill(m, mean);
            Arrays.fill(lo, lower);
            Arrays.fill(up, upper);
            return new Forecast(s.end(), s.step(), m, lo, up, level, "constant");
          }

          @Override
          public String description() {
            return "constant";
          }
        };
  }

  private static PreWakeSettings.Builder shortHistory() {
    return PreWakeSettings.builder(Duration.ofMinutes(3))
        .step(Duration.ofMinutes(5))
        .minHistory(Duration.ofMinutes(30))
        .history(Duration.ofHours(2));
  }

  /** Records {@code level} every 10 s until the clock reaches {@code until}. */
  private void feed(PreWake w, Instant until, java.util.function.Function<Instant, Double> level) {
    while (clock.now().isBefore(until)) {
      w.record(level.apply(clock.now()));
      clock.advance(Duration.ofSeconds(10));
    }
  }

  @Test
  void noForecastBeforeMinimumHistory() {
    PreWake w = new PreWake(shortHistory().build(), constant(0, 5, 5), clock);
    feed(w, MIDNIGHT.plus(Duration.ofMinutes(20)), t -> 1.0);
    PreWakeOutlook o = w.outlook();
    assertThat(o.present()).isFalse();
    assertThat(o.reason()).contains("4 of the 6 steps");
    assertThat(w.expected(BATCH, ONE_CORE, 0)).isEmpty();
    assertThat(w.fits()).isZero();
    assertThat(w.nextFitDue()).isEmpty();
  }

  @Test
  void dailyRhythmIsExpectedBeforeItArrives() {
    // Two pods at night, ten from 09:00 to 17:00; seasonal naive over one day of 5 min steps.
    PreWakeSettings s =
        PreWakeSettings.builder(Duration.ofMinutes(3))
            .minHistory(Duration.ofDays(1))
            .estimate(Estimate.MEAN)
            .build();
    PreWake w = new PreWake(s, new LastSeasonForecaster(288), clock);
    java.util.function.Function<Instant, Double> rhythm =
        t -> {
          long hour = Duration.between(MIDNIGHT, t).toHours() % 24;
          return hour >= 9 && hour < 17 ? 10.0 : 2.0;
        };
    Instant dayTwoMorning = MIDNIGHT.plus(Duration.ofDays(1)).plus(Duration.ofHours(8));
    feed(w, dayTwoMorning.plus(Duration.ofMinutes(50)), rhythm);
    assertThat(w.outlook().demand().getAsDouble()).isCloseTo(2, within(1e-9));

    // At 08:58 the next three minutes reach into the 09:00 step: ten pods are expected.
    feed(w, dayTwoMorning.plus(Duration.ofMinutes(58)), rhythm);
    PreWakeOutlook o = w.outlook();
    assertThat(o.demand().getAsDouble()).isCloseTo(10, within(1e-9));
    assertThat(o.model()).isEqualTo(LastSeasonForecaster.DESCRIPTION);
    List<WorkloadDemand> expected = w.expected(BATCH, ONE_CORE, 2);
    assertThat(expected).hasSize(1);
    assertThat(expected.get(0).replicas()).isEqualTo(8);
    assertThat(expected.get(0).reason()).contains("10 pods within 180 s, 2 present");
  }

  @Test
  void fitsOnlyEveryRefitPeriodNotEveryStep() {
    AtomicInteger calls = new AtomicInteger();
    Forecaster f =
        s -> {
          calls.incrementAndGet();
          return constant(0, 3, 3).fit(s);
        };
    PreWake w = new PreWake(shortHistory().refitEvery(Duration.ofHours(1)).build(), f, clock);
    Instant end = MIDNIGHT.plus(Duration.ofMinutes(30)).plus(Duration.ofHours(3));
    while (clock.now().isBefore(end)) {
      w.record(1);
      w.outlook();
      clock.advance(Duration.ofSeconds(10));
    }
    // Fits at 00:30, 01:30, 02:30 and 03:30 minus a tick: 3 hours of 10 s calls, 3 fits.
    assertThat(calls.get()).isEqualTo(3);
    assertThat(w.fits()).isEqualTo(3);
    assertThat(w.nextFitDue()).contains(MIDNIGHT.plus(Duration.ofMinutes(30 + 180)));
  }

  @Test
  void failingForecasterFallsBackToReactingAndRetriesAtTheNextFit() {
    AtomicInteger calls = new AtomicInteger();
    Forecaster f =
        s -> {
          if (calls.incrementAndGet() == 1) {
            throw new ForecastException("series is constant");
          }
          return constant(4, 5, 6).fit(s);
        };
    PreWake w = new PreWake(shortHistory().refitEvery(Duration.ofMinutes(15)).build(), f, clock);
    feed(w, MIDNIGHT.plus(Duration.ofMinutes(30)), t -> 1.0);
    PreWakeOutlook o = w.outlook();
    assertThat(o.present()).isFalse();
    assertThat(o.reason()).contains("forecaster failed").contains("series is constant");
    assertThat(w.expected(BATCH, ONE_CORE, 0)).isEmpty();

    feed(w, MIDNIGHT.plus(Duration.ofMinutes(40)), t -> 1.0);
    assertThat(w.outlook().present()).isFalse();
    assertThat(calls.get()).isEqualTo(1);

    feed(w, MIDNIGHT.plus(Duration.ofMinutes(45)), t -> 1.0);
    assertThat(w.outlook().demand().getAsDouble()).isEqualTo(6);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void forecasterReturningGarbageIsAFailureToo() {
    Forecaster f =
        s ->
            new ForecastModel() {
              @Override
              public Forecast forecast(int steps, double level) {
                throw new IllegalStateException("NaN in the likelihood");
              }

              @Override
              public String description() {
                return "broken";
              }
            };
    PreWake w = new PreWake(shortHistory().build(), f, clock);
    feed(w, MIDNIGHT.plus(Duration.ofMinutes(31)), t -> 1.0);
    assertThat(w.outlook().reason()).contains("NaN in the likelihood");
  }

  @Test
  void unsureForecastIsIgnored() {
    PreWake w = new PreWake(shortHistory().maxRelativeWidth(3).build(), constant(0, 5, 40), clock);
    feed(w, MIDNIGHT.plus(Duration.ofMinutes(31)), t -> 1.0);
    PreWakeOutlook o = w.outlook();
    assertThat(o.present()).isFalse();
    assertThat(o.reason()).contains("unsure");

    PreWake sure =
        new PreWake(shortHistory().maxRelativeWidth(3).build(), constant(0, 5, 14), clock);
    feed(sure, clock.now().plus(Duration.ofMinutes(31)), t -> 1.0);
    assertThat(sure.outlook().demand().getAsDouble()).isEqualTo(14);
  }

  @Test
  void upperBoundOrMeanAsConfigured() {
    PreWake upper =
        new PreWake(shortHistory().estimate(Estimate.UPPER).build(), constant(2, 4, 6), clock);
    PreWake mean =
        new PreWake(shortHistory().estimate(Estimate.MEAN).build(), constant(2, 4, 6), clock);
    while (clock.now().isBefore(MIDNIGHT.plus(Duration.ofMinutes(31)))) {
      upper.record(1);
      mean.record(1);
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(upper.outlook().demand().getAsDouble()).isEqualTo(6);
    assertThat(mean.outlook().demand().getAsDouble()).isEqualTo(4);
  }

  @Test
  void negativeForecastsCountAsNoDemand() {
    PreWake w = new PreWake(shortHistory().build(), constant(-3, -2, -1), clock);
    feed(w, MIDNIGHT.plus(Duration.ofMinutes(31)), t -> 0.0);
    assertThat(w.outlook().demand().getAsDouble()).isZero();
    assertThat(w.expected(BATCH, ONE_CORE, 0)).isEmpty();
  }

  @Test
  void arrivalCountsAreSummedOverTheLeadTime() {
    // Three arrivals a minute: 15 per 5 min step; the next 10 minutes hold 30.
    PreWakeSettings s =
        PreWakeSettings.builder(Duration.ofMinutes(10))
            .aggregation(Aggregation.SUM)
            .step(Duration.ofMinutes(5))
            .minHistory(Duration.ofMinutes(30))
            .history(Duration.ofHours(2))
            .estimate(Estimate.MEAN)
            .build();
    PreWake w = new PreWake(s, new LastSeasonForecaster(1), clock);
    while (clock.now().isBefore(MIDNIGHT.plus(Duration.ofMinutes(40)))) {
      w.record(3);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(w.series().values()).containsOnly(15.0);
    assertThat(w.outlook().demand().getAsDouble()).isCloseTo(30, within(1e-9));
  }

  @Test
  void stepsWithoutObservationsRepeatALevelOrCountZero() {
    PreWake level = new PreWake(shortHistory().build(), constant(0, 1, 1), clock);
    PreWake count =
        new PreWake(shortHistory().aggregation(Aggregation.SUM).build(), constant(0, 1, 1), clock);
    level.record(7);
    count.record(7);
    clock.advance(Duration.ofMinutes(16));
    assertThat(level.series().values()).containsExactly(7, 7, 7);
    assertThat(count.series().values()).containsExactly(7, 0, 0);
  }

  @Test
  void rejectsBadObservationsAndSettings() {
    PreWake w = new PreWake(shortHistory().build(), constant(0, 1, 1), clock);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.record(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.record(-1))
        .hasMessageContaining(">= 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> shortHistory().level(1.0).build())
        .hasMessageContaining("level");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> shortHistory().history(Duration.ofMinutes(10)).build())
        .hasMessageContaining("minHistory");
  }
}
