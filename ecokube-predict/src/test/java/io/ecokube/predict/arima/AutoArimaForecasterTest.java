package io.ecokube.predict.arima;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.baseline.MeanForecastModel;
import io.ecokube.predict.baseline.SeasonalNaiveForecastModel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AutoArimaForecasterTest {
  private final AutoArimaForecaster plain = AutoArimaForecaster.builder().build();

  @Test
  void choosesTheAirlineModelForLogAirlinePassengers() {
    double[] y = SharedReference.series("airline");
    ForecastModel m =
        AutoArimaForecaster.builder().seasonalPeriod(12).build().fit(Simulate.hourly(y));
    assertThat(m).isInstanceOf(ArimaModel.class);
    ArimaSpec spec = ((ArimaModel) m).spec();
    assertThat(spec.d()).isEqualTo(1);
    assertThat(spec.seasonalD()).isEqualTo(1);
    assertThat(m.description()).startsWith("ARIMA(0,1,1)(0,1,1)[12]").endsWith("(auto)");
  }

  @Test
  void choosesArima111ForTheNile() {
    double[] y = SharedReference.series("nile");
    ForecastModel m = plain.fit(Simulate.hourly(y));
    assertThat(m.description()).isEqualTo("ARIMA(1,1,1) (auto)");
  }

  @Test
  void whiteNoiseIsNotDifferencedAndGetsItsMean() {
    double[] y = Simulate.arma(8, 300, 50, new double[0], new double[0], 1.0);
    ArimaModel m = (ArimaModel) plain.fit(Simulate.hourly(y));
    assertThat(m.spec().d()).isZero();
    assertThat(m.spec().trend()).isEqualTo(Trend.CONSTANT);
    assertThat(m.mean()).isBetween(49.8, 50.2);
  }

  @Test
  void randomWalkIsDifferencedOnce() {
    double[] y = Simulate.integrate(0, Simulate.arma(19, 400, 0, new double[0], new double[0], 1));
    ArimaModel m = (ArimaModel) plain.fit(Simulate.hourly(y));
    assertThat(m.spec().d()).isEqualTo(1);
  }

  @Test
  void findsAnAr2() {
    double[] y = Simulate.arma(10, 600, 0, new double[] {0.5, 0.3}, new double[0], 1.0);
    ArimaModel m =
        (ArimaModel)
            AutoArimaForecaster.builder().approximation(false).build().fit(Simulate.hourly(y));
    assertThat(m.spec().d()).isZero();
    assertThat(m.spec().p() + m.spec().q()).isGreaterThanOrEqualTo(2);
    double exactAicc = m.aicc();
    ArimaModel white =
        new ArimaForecaster(ArimaSpec.builder().trend(Trend.CONSTANT).build())
            .fit(Simulate.hourly(y));
    assertThat(exactAicc).isLessThan(white.aicc());
  }

  @Test
  void dailyCycleOfHourlyDataIsSeasonallyDifferenced() {
    Random rnd = new Random(12);
    double[] y = new double[24 * 10];
    for (int t = 0; t < y.length; t++) {
      y[t] = 100 + 40 * Math.sin(2 * Math.PI * t / 24) + 3 * rnd.nextGaussian();
    }
    ForecastModel m =
        AutoArimaForecaster.builder().seasonalPeriod(24).build().fit(Simulate.hourly(y));
    assertThat(m).isInstanceOf(ArimaModel.class);
    assertThat(((ArimaModel) m).spec().seasonalD()).isEqualTo(1);
    Forecast f = m.forecast(24, 0.95);
    for (int h = 0; h < 24; h++) {
      double truth = 100 + 40 * Math.sin(2 * Math.PI * (y.length + h) / 24);
      assertThat(f.mean()[h]).isBetween(truth - 8, truth + 8);
    }
  }

  @Test
  void longHorizonsStayFiniteAndWiden() {
    double[] y = SharedReference.series("airline");
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(0, 1, 1).seasonal(0, 1, 1, 12).build())
            .fit(Simulate.hourly(y));
    Forecast f = m.forecast(5000, 0.95);
    assertFinite(f.upper(), m.description());
    assertFinite(f.lower(), m.description());
    assertThat(f.upper()[4999] - f.lower()[4999]).isGreaterThan(f.upper()[0] - f.lower()[0]);
  }

  @Test
  void constantSeriesFallsBackToItsMeanWithZeroWidth() {
    double[] y = new double[40];
    java.util.Arrays.fill(y, 7);
    ForecastModel m = plain.fit(Simulate.hourly(y));
    assertThat(m).isInstanceOf(MeanForecastModel.class);
    assertThat(m.description()).isEqualTo("mean (fallback: series is constant)");
    Forecast f = m.forecast(3, 0.95);
    assertThat(f.mean()).containsExactly(7, 7, 7);
    assertThat(f.lower()).containsExactly(7, 7, 7);
    assertThat(f.upper()).containsExactly(7, 7, 7);
  }

  @Test
  void shortSeriesFallsBackAndSaysWhy() {
    ForecastModel m = plain.fit(Simulate.hourly(new double[] {3, 5, 4, 6, 5}));
    assertThat(m).isInstanceOf(MeanForecastModel.class);
    assertThat(m.description())
        .isEqualTo("mean (fallback: series has 5 observations, ARIMA needs 10)");
    assertThat(m.forecast(2, 0.8).mean()).containsExactly(4.6, 4.6);
  }

  @Test
  void shortSeasonalSeriesFallsBackToSeasonalNaive() {
    double[] y = new double[30];
    for (int t = 0; t < y.length; t++) {
      y[t] = t % 6 + 0.1 * t;
    }
    ForecastModel m =
        AutoArimaForecaster.builder()
            .seasonalPeriod(6)
            .minObservations(40)
            .build()
            .fit(Simulate.hourly(y));
    assertThat(m).isInstanceOf(SeasonalNaiveForecastModel.class);
    assertThat(m.description()).startsWith("seasonal naive[6] (fallback: series has 30");
    assertThat(m.forecast(6, 0.95).mean())
        .containsExactly(y[24], y[25], y[26], y[27], y[28], y[29]);
  }

  @Test
  void linearSeriesFallsBackToNaive() {
    double[] y = new double[60];
    for (int t = 0; t < y.length; t++) {
      y[t] = 2 * t;
    }
    ForecastModel m = plain.fit(Simulate.hourly(y));
    assertThat(m.description())
        .startsWith("naive (fallback: series is constant after differencing");
  }

  @Test
  void interiorGapsAreInterpolatedAndNamed() {
    double[] y = Simulate.arma(13, 200, 10, new double[] {0.5}, new double[0], 1.0);
    y[50] = Double.NaN;
    y[51] = Double.NaN;
    y[120] = Double.NaN;
    ForecastModel m = plain.fit(Simulate.hourly(y));
    assertThat(m.description()).endsWith("[3 missing interpolated]");
    assertFinite(m.forecast(5, 0.95).mean(), m.description());
  }

  @Test
  void trailingGapIsForecastAcrossSoTheForecastStartsAtTheSeriesEnd() {
    double[] y = Simulate.arma(14, 200, 10, new double[] {0.7}, new double[0], 1.0);
    double[] gapped = y.clone();
    gapped[198] = Double.NaN;
    gapped[199] = Double.NaN;
    TimeSeries ts = Simulate.hourly(gapped);
    ForecastModel m = plain.fit(ts);
    Forecast f = m.forecast(3, 0.95);
    assertThat(f.start()).isEqualTo(ts.end());
    assertThat(m.description()).contains("2 trailing missing");
    ForecastModel onPrefix = plain.fit(Simulate.hourly(java.util.Arrays.copyOf(y, 198)));
    Forecast g = onPrefix.forecast(5, 0.95);
    assertThat(f.mean()[0]).isEqualTo(g.mean()[2]);
    assertThat(f.upper()[2]).isEqualTo(g.upper()[4]);
  }

  @Test
  void unusableSeriesAreRejectedWithClearMessages() {
    assertThatThrownBy(() -> plain.fit(Simulate.hourly(new double[] {Double.NaN, Double.NaN})))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("no observations");
    assertThatThrownBy(() -> plain.fit(Simulate.hourly(new double[] {4})))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("needs at least 2");
    double[] y = Simulate.arma(1, 100, 0, new double[0], new double[0], 1);
    for (int i = 30; i < 40; i++) {
      y[i] = Double.NaN;
    }
    assertThatThrownBy(() -> plain.fit(Simulate.hourly(y)))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("10 consecutive missing values from index 30");
    double[] inf = {1, 2, Double.POSITIVE_INFINITY, 4};
    assertThatThrownBy(() -> plain.fit(Simulate.hourly(inf)))
        .hasMessageContaining("series value 2 is infinite");
  }

  @Test
  void noNanEverEscapesOnAwkwardSeries() {
    Random rnd = new Random(77);
    AutoArimaForecaster seasonal = AutoArimaForecaster.builder().seasonalPeriod(7).build();
    for (int trial = 0; trial < 6; trial++) {
      int n = 12 + rnd.nextInt(150);
      double[] y = new double[n];
      int kind = trial % 6;
      for (int t = 0; t < n; t++) {
        y[t] =
            switch (kind) {
              case 0 -> rnd.nextDouble() < 0.9 ? 0 : 100 * rnd.nextDouble(); // bursts
              case 1 -> 1e9 + 1e3 * rnd.nextGaussian(); // huge level, small noise
              case 2 -> 1e-9 * rnd.nextGaussian(); // tiny scale
              case 3 -> Math.exp(0.05 * t) + rnd.nextGaussian(); // exponential growth
              case 4 -> t % 7 < 2 ? 5 : 50 + rnd.nextGaussian(); // square weekly wave
              default -> t < n / 2 ? 0 : 10; // level shift
            };
      }
      for (AutoArimaForecaster f : new AutoArimaForecaster[] {plain, seasonal}) {
        ForecastModel m = f.fit(Simulate.hourly(y));
        Forecast fc = m.forecast(30, 0.95);
        assertFinite(fc.mean(), m.description());
        assertFinite(fc.lower(), m.description());
        assertFinite(fc.upper(), m.description());
      }
    }
  }

  private static void assertFinite(double[] values, String model) {
    for (int i = 0; i < values.length; i++) {
      assertThat(Double.isFinite(values[i])).as("%s step %d = %s", model, i, values[i]).isTrue();
    }
  }
}
