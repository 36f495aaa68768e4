package io.ecokube.predict.arima;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import java.util.Random;
import org.apache.commons.math3.analysis.solvers.LaguerreSolver;
import org.apache.commons.math3.complex.Complex;
import org.junit.jupiter.api.Test;

/** Parameter recovery on seeded simulations, and forecasts against closed forms. */
class ArimaEstimationTest {

  @Test
  void recoversAr1WithMean() {
    double[] y = Simulate.arma(42, 2000, 10, new double[] {0.6}, new double[0], 2.0);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(1, 0, 0).trend(Trend.CONSTANT).build())
            .fit(Simulate.hourly(y));
    assertThat(m.arCoefficients()[0]).isCloseTo(0.6, within(0.04));
    assertThat(m.mean()).isCloseTo(10, within(0.25));
    assertThat(m.sigma2()).isCloseTo(4.0, within(0.3));
    assertThat(m.observationsUsed()).isEqualTo(2000);
    assertThat(m.description()).isEqualTo("ARIMA(1,0,0) with non-zero mean");
  }

  @Test
  void recoversArma11() {
    double[] y = Simulate.arma(7, 3000, 0, new double[] {0.5}, new double[] {0.4}, 1.0);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(1, 0, 1).build()).fit(Simulate.hourly(y));
    assertThat(m.arCoefficients()[0]).isCloseTo(0.5, within(0.06));
    assertThat(m.maCoefficients()[0]).isCloseTo(0.4, within(0.06));
    assertThat(m.sigma2()).isCloseTo(1.0, within(0.07));
  }

  @Test
  void recoversDriftOfIntegratedSeries() {
    double[] w = Simulate.arma(3, 1500, 0.5, new double[] {0.3}, new double[0], 1.0);
    double[] y = Simulate.integrate(100, w);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(1, 1, 0).trend(Trend.DRIFT).build())
            .fit(Simulate.hourly(y));
    assertThat(m.drift()).isCloseTo(0.5, within(0.08));
    assertThat(m.arCoefficients()[0]).isCloseTo(0.3, within(0.06));
    assertThat(m.observationsUsed()).isEqualTo(y.length - 1);
    assertThat(m.description()).isEqualTo("ARIMA(1,1,0) with drift");
  }

  @Test
  void recoversSeasonalMa() {
    double[] theta = Polynomials.expandMa(new double[] {-0.4}, new double[] {-0.6}, 12);
    double[] w = Simulate.arma(21, 1200, 0, new double[0], theta, 1.0);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(0, 0, 1).seasonal(0, 0, 1, 12).build())
            .fit(Simulate.hourly(w));
    assertThat(m.maCoefficients()[0]).isCloseTo(-0.4, within(0.06));
    assertThat(m.seasonalMaCoefficients()[0]).isCloseTo(-0.6, within(0.06));
  }

  @Test
  void ar1ForecastEqualsClosedForm() {
    double[] y = Simulate.arma(1, 400, 5, new double[] {0.8}, new double[0], 1.0);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(1, 0, 0).trend(Trend.CONSTANT).build())
            .fit(Simulate.hourly(y));
    double phi = m.arCoefficients()[0];
    double mu = m.mean();
    double s2 = m.sigma2();
    Forecast f = m.forecast(10, 0.9);
    double z = 1.6448536269514722;
    for (int h = 1; h <= 10; h++) {
      double mean = mu + Math.pow(phi, h) * (y[y.length - 1] - mu);
      double sd = Math.sqrt(s2 * (1 - Math.pow(phi, 2 * h)) / (1 - phi * phi));
      assertThat(f.mean()[h - 1]).isCloseTo(mean, within(1e-9));
      assertThat(f.upper()[h - 1]).isCloseTo(mean + z * sd, within(1e-7));
      assertThat(f.lower()[h - 1]).isCloseTo(mean - z * sd, within(1e-7));
    }
    assertThat(f.start()).isEqualTo(Simulate.hourly(y).end());
    assertThat(f.level()).isEqualTo(0.9);
  }

  @Test
  void randomWalkForecastIsLastValueWithGrowingVariance() {
    double[] w = Simulate.arma(2, 300, 0, new double[0], new double[0], 1.0);
    double[] y = Simulate.integrate(0, w);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(0, 1, 0).build()).fit(Simulate.hourly(y));
    Forecast f = m.forecast(4, 0.95);
    double s2 = 0;
    for (double v : w) {
      s2 += v * v;
    }
    s2 /= w.length;
    assertThat(m.sigma2()).isCloseTo(s2, within(1e-9));
    for (int h = 1; h <= 4; h++) {
      assertThat(f.mean()[h - 1]).isCloseTo(y[y.length - 1], within(1e-9));
      double half = (f.upper()[h - 1] - f.lower()[h - 1]) / 2;
      assertThat(half).isCloseTo(1.959963984540054 * Math.sqrt(h * s2), within(1e-7));
    }
  }

  @Test
  void fittedPolynomialsAreStationaryAndInvertible() {
    double[] y = Simulate.arma(4, 500, 0, new double[] {0.9, -0.2}, new double[] {0.95}, 1.0);
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(2, 0, 2).build()).fit(Simulate.hourly(y));
    assertThat(minRootModulus(negatedAr(m.arCoefficients()))).isGreaterThan(1);
    assertThat(minRootModulus(ma(m.maCoefficients()))).isGreaterThan(1);
  }

  @Test
  void transformMapsAnyVectorIntoTheStationaryRegionAndBack() {
    Random rnd = new Random(99);
    for (int trial = 0; trial < 200; trial++) {
      int k = 1 + rnd.nextInt(5);
      double[] x = new double[k];
      for (int i = 0; i < k; i++) {
        x[i] = rnd.nextGaussian() * 4;
      }
      double[] phi = Polynomials.constrainStationary(x, 0, k);
      assertThat(minRootModulus(negatedAr(phi))).isGreaterThan(1);
      double[] back = Polynomials.unconstrainStationary(phi);
      for (int i = 0; i < k; i++) {
        if (Math.abs(x[i]) < 30) {
          assertThat(back[i]).isCloseTo(x[i], within(1e-6 * (1 + Math.abs(x[i]))));
        }
      }
    }
  }

  @Test
  void tooShortSeriesIsRejectedWithTheLengthNeeded() {
    ArimaForecaster f =
        new ArimaForecaster(ArimaSpec.builder().order(0, 1, 1).seasonal(0, 1, 1, 12).build());
    assertThatThrownBy(() -> f.fit(Simulate.hourly(new double[15])))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("needs at least 18 observations")
        .hasMessageContaining("got 15");
  }

  @Test
  void constantAfterDifferencingIsRejected() {
    double[] line = new double[50];
    for (int i = 0; i < line.length; i++) {
      line[i] = 3 + 2 * i;
    }
    assertThatThrownBy(
            () ->
                new ArimaForecaster(ArimaSpec.builder().order(1, 1, 0).build())
                    .fit(Simulate.hourly(line)))
        .isInstanceOf(ForecastException.class)
        .hasMessageContaining("constant after differencing");
  }

  @Test
  void specRejectsTrendsThatDifferencingRemoves() {
    assertThatThrownBy(() -> ArimaSpec.builder().order(1, 1, 0).trend(Trend.CONSTANT).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CONSTANT needs d + D = 0");
    assertThatThrownBy(() -> ArimaSpec.builder().order(1, 2, 0).trend(Trend.DRIFT).build())
        .hasMessageContaining("DRIFT needs d + D = 1");
    assertThatThrownBy(() -> ArimaSpec.builder().order(0, 0, 0).seasonal(1, 0, 0, 1).build())
        .hasMessageContaining("seasonal period > 1");
    assertThatThrownBy(() -> ArimaSpec.builder().order(0, 3, 0).build())
        .hasMessageContaining("d must be in [0, 2], got 3");
  }

  @Test
  void forecastArgumentsAreValidated() {
    ArimaModel m =
        new ArimaForecaster(ArimaSpec.builder().order(1, 0, 0).build())
            .fit(Simulate.hourly(Simulate.arma(1, 50, 0, new double[] {0.5}, new double[0], 1)));
    assertThatThrownBy(() -> m.forecast(0, 0.9)).hasMessageContaining("steps must be >= 1");
    assertThatThrownBy(() -> m.forecast(3, 1.0)).hasMessageContaining("level must be in (0, 1)");
  }

  private static double[] negatedAr(double[] phi) {
    double[] c = new double[phi.length + 1];
    c[0] = 1;
    for (int i = 0; i < phi.length; i++) {
      c[i + 1] = -phi[i];
    }
    return c;
  }

  private static double[] ma(double[] theta) {
    double[] c = new double[theta.length + 1];
    c[0] = 1;
    System.arraycopy(theta, 0, c, 1, theta.length);
    return c;
  }

  private static double minRootModulus(double[] coefficients) {
    Complex[] roots = new LaguerreSolver().solveAllComplex(coefficients, 0);
    double min = Double.POSITIVE_INFINITY;
    for (Complex r : roots) {
      min = Math.min(min, r.abs());
    }
    return min;
  }
}
