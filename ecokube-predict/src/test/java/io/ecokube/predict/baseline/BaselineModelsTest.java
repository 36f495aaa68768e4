package io.ecokube.predict.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.GapPolicy;
import io.ecokube.predict.PreparedSeries;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BaselineModelsTest {
  static PreparedSeries series(double... v) {
    return PreparedSeries.of(
        new TimeSeries(Instant.EPOCH, Duration.ofMinutes(5), v), GapPolicy.DEFAULT);
  }

  @Test
  void meanIntervalUsesStudentT() {
    MeanForecastModel m = MeanForecastModel.fit(series(1, 2, 3, 4, 5), "");
    Forecast f = m.forecast(2, 0.95);
    double s = Math.sqrt(2.5);
    double t4 = 2.7764451051977987;
    assertThat(f.mean()).containsExactly(3.0, 3.0);
    assertThat(f.upper()[1]).isCloseTo(3 + t4 * s * Math.sqrt(1.2), within(1e-9));
    assertThat(m.description()).isEqualTo("mean");
    assertThatThrownBy(() -> MeanForecastModel.fit(series(1), ""))
        .isInstanceOf(ForecastException.class);
  }

  @Test
  void seasonalNaiveRepeatsTheLastSeasonWithGrowingIntervals() {
    SeasonalNaiveForecastModel m =
        SeasonalNaiveForecastModel.fit(series(1, 2, 3, 2, 3, 4), 3, "why");
    Forecast f = m.forecast(5, 0.95);
    assertThat(f.mean()).containsExactly(2, 3, 4, 2, 3);
    double sigma = 1;
    double z = 1.959963984540054;
    assertThat(f.upper()[0] - f.mean()[0]).isCloseTo(z * sigma, within(1e-9));
    assertThat(f.upper()[3] - f.mean()[3]).isCloseTo(z * sigma * Math.sqrt(2), within(1e-9));
    assertThat(m.description()).isEqualTo("seasonal naive[3] (fallback: why)");
    assertThatThrownBy(() -> SeasonalNaiveForecastModel.fit(series(1, 2, 3), 3, ""))
        .hasMessageContaining("needs at least 4 observations, got 3");
  }

  @Test
  void preparedSeriesFillsDropsAndCounts() {
    PreparedSeries p =
        PreparedSeries.of(
            new TimeSeries(
                Instant.EPOCH,
                Duration.ofMinutes(5),
                new double[] {Double.NaN, 1, Double.NaN, 3, 4, Double.NaN}),
            new GapPolicy(2, 0.5));
    assertThat(p.values()).containsExactly(1, 2, 3, 4);
    assertThat(p.filled()).isEqualTo(1);
    assertThat(p.trailingMissing()).isEqualTo(1);
    assertThat(p.forecastStart()).isEqualTo(Instant.EPOCH.plus(Duration.ofMinutes(30)));
    assertThatThrownBy(
            () ->
                PreparedSeries.of(
                    new TimeSeries(
                        Instant.EPOCH, Duration.ofMinutes(1), new double[] {1, Double.NaN, 2}),
                    GapPolicy.REJECT))
        .hasMessageContaining("accepts runs of at most 0");
  }
}
