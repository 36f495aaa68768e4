package io.ecokube.predict.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearCalibratorTest {

  @Test
  void leastSquaresMatchesHandComputedLine() {
    double[] x = {1, 2, 3, 4};
    double[] y = {2, 4, 5, 8};
    LinearCalibration c = LinearCalibrator.fit("t", x, y, CalibrationMethod.LEAST_SQUARES);
    // Sxx = 5, Sxy = 9.5 -> slope 1.9, intercept 4.75 - 1.9 * 2.5 = 0
    assertThat(c.slope()).isCloseTo(1.9, within(1e-12));
    assertThat(c.intercept()).isCloseTo(0.0, within(1e-12));
    // residuals 0.1, 0.2, -0.7, 0.4 -> SSE 0.7, SST 18.75
    assertThat(c.rSquared()).isCloseTo(1 - 0.7 / 18.75, within(1e-12));
    assertThat(c.residualStandardError()).isCloseTo(Math.sqrt(0.7 / 2), within(1e-12));
    assertThat(c.n()).isEqualTo(4);
    assertThat(c.xMin()).isEqualTo(1);
    assertThat(c.xMax()).isEqualTo(4);
    assertThat(c.predict(10)).isCloseTo(19, within(1e-9));
  }

  @Test
  void exactLineHasUnitRSquaredAndZeroError() {
    LinearCalibration c =
        LinearCalibrator.fit(
            "node utilisation -> watts",
            new double[] {0, 0.5, 1},
            new double[] {54, 85.2, 116.4},
            CalibrationMethod.LEAST_SQUARES);
    assertThat(c.intercept()).isCloseTo(54, within(1e-9));
    assertThat(c.slope()).isCloseTo(62.4, within(1e-9));
    assertThat(c.rSquared()).isEqualTo(1.0);
    assertThat(c.residualStandardError()).isCloseTo(0, within(1e-9));
  }

  @Test
  void twoPointsGiveTheLineThroughThem() {
    LinearCalibration c =
        LinearCalibrator.fit(
            "two", new double[] {0, 50}, new double[] {54, 85.2}, CalibrationMethod.HUBER);
    assertThat(c.slope()).isCloseTo(0.624, within(1e-12));
    assertThat(c.residualStandardError()).isZero();
  }

  @Test
  void huberResistsAnOutlierThatTiltsLeastSquares() {
    Random rnd = new Random(4);
    int n = 40;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i / (double) n;
      y[i] = 60 + 100 * x[i] + rnd.nextGaussian();
    }
    y[n - 1] = 400; // a meter glitch at high load
    y[n - 2] = 380;
    LinearCalibration ols = LinearCalibrator.fit("w", x, y, CalibrationMethod.LEAST_SQUARES);
    LinearCalibration huber = LinearCalibrator.fit("w", x, y, CalibrationMethod.HUBER);
    assertThat(Math.abs(ols.slope() - 100)).isGreaterThan(50);
    assertThat(huber.slope()).isCloseTo(100.0, within(5.0));
    assertThat(huber.intercept()).isCloseTo(60.0, within(2.0));
    assertThat(huber.method()).isEqualTo(CalibrationMethod.HUBER);
    assertThat(huber.residualStandardError()).isLessThan(ols.residualStandardError());
  }

  @Test
  void huberEqualsLeastSquaresOnCleanData() {
    double[] x = {0, 1, 2, 3, 4, 5};
    double[] y = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0};
    LinearCalibration ols = LinearCalibrator.fit("c", x, y, CalibrationMethod.LEAST_SQUARES);
    LinearCalibration huber = LinearCalibrator.fit("c", x, y, CalibrationMethod.HUBER);
    assertThat(huber.slope()).isCloseTo(ols.slope(), within(0.05));
  }

  @Test
  void degenerateInputIsRejectedWithClearMessages() {
    CalibrationMethod m = CalibrationMethod.LEAST_SQUARES;
    assertThatThrownBy(() -> LinearCalibrator.fit("cores", new double[] {1}, new double[] {2}, m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cores' needs at least 2 samples, got 1");
    assertThatThrownBy(
            () -> LinearCalibrator.fit("cores", new double[] {2, 2, 2}, new double[] {1, 2, 3}, m))
        .hasMessageContaining("at least 2 distinct x values")
        .hasMessageContaining("x=2.0");
    assertThatThrownBy(
            () -> LinearCalibrator.fit("cores", new double[] {1, 2}, new double[] {1, 2, 3}, m))
        .hasMessageContaining("x has 2 values but y has 3");
    assertThatThrownBy(
            () ->
                LinearCalibrator.fit(
                    "cores", new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3}, m))
        .hasMessageContaining("sample 1 is not finite (x=2.0, y=NaN)");
    assertThatThrownBy(
            () ->
                LinearCalibrator.fit(
                    "cores", new double[] {1, Double.POSITIVE_INFINITY}, new double[] {1, 2}, m))
        .hasMessageContaining("sample 1 is not finite");
    assertThatThrownBy(() -> LinearCalibrator.fit(" ", new double[] {1, 2}, new double[] {1, 2}, m))
        .hasMessageContaining("name must not be blank");
  }
}
