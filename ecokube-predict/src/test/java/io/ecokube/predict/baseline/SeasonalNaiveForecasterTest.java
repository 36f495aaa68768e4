package io.ecokube.predict.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.TimeSeries;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SeasonalNaiveForecasterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static TimeSeries series(double... v) {
    return new TimeSeries(T0, Duration.ofHours(1), v);
  }

  @Test
  void repeatsTheLastSeason() {
    Forecast f =
        new SeasonalNaiveForecaster(3, 1).fit(series(1, 2, 3, 1, 2, 3, 1)).forecast(5, 0.9);
    assertThat(f.mean()).containsExactly(2, 3, 1, 2, 3);
    assertThat(f.start()).isEqualTo(T0.plus(Duration.ofHours(7)));
    // A perfectly periodic series has zero residuals: the interval collapses.
    assertThat(f.upper()).containsExactly(f.mean());
  }

  @Test
  void averagesSeveralSeasonsAndWidensWithTheSeasonsAhead() {
    Forecast f =
        new SeasonalNaiveForecaster(2, 2).fit(series(0, 10, 2, 12, 4, 14)).forecast(4, 0.95);
    // Next phase 0: mean of 4 and 2; phase 1: mean of 14 and 12.
    assertThat(f.mean()[0]).isCloseTo(3, within(1e-12));
    assertThat(f.mean()[1]).isCloseTo(13, within(1e-12));
    double w1 = f.upper()[0] - f.lower()[0];
    double w3 = f.upper()[2] - f.lower()[2];
    assertThat(w1).isPositive();
    assertThat(w3).isCloseTo(w1 * Math.sqrt(2), within(1e-9));
  }

  @Test
  void intervalsUseTheNormalQuantileOfTheLevel() {
    // residuals of 0, 10 | 2, 12 against one season back are all 2: sigma 2
    Forecast f =
        new SeasonalNaiveForecaster(2, 1).fit(series(0, 10, 2, 12, 4, 14)).forecast(1, 0.95);
    assertThat(f.upper()[0] - f.mean()[0]).isCloseTo(1.959964 * 2, within(1e-5));
  }

  @Test
  void missingValuesAreSkipped() {
    Forecast f =
        new SeasonalNaiveForecaster(2, 2)
            .fit(series(0, 10, Double.NaN, 12, 4, Double.NaN))
            .forecast(2, 0.9);
    // phase 0: mean of 4 and NaN (skipped) is 4; phase 1: mean of NaN (skipped) and 12 is 12
    assertThat(f.mean()).containsExactly(4, 12);
  }

  @Test
  void rejectsSeriesShorterThanASeason() {
    assertThatThrownBy(() -> new SeasonalNaiveForecaster(24, 1).fit(series(1, 2, 3)))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("needs at least 25 observations, got 3");
  }
}
