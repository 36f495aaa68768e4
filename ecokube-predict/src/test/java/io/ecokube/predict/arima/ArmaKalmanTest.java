package io.ecokube.predict.arima;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** The Kalman likelihood against closed forms and a dense Gaussian likelihood. */
class ArmaKalmanTest {

  @Test
  void ar1MatchesClosedFormExactLikelihood() {
    double phi = 0.7;
    double sigma2 = 2.5;
    double[] z = Simulate.arma(11, 300, 0, new double[] {phi}, new double[0], Math.sqrt(sigma2));
    int n = z.length;
    double q = (1 - phi * phi) * z[0] * z[0];
    for (int t = 1; t < n; t++) {
      q += (z[t] - phi * z[t - 1]) * (z[t] - phi * z[t - 1]);
    }
    double closed =
        -0.5 * n * Math.log(2 * Math.PI * sigma2)
            + 0.5 * Math.log(1 - phi * phi)
            - q / (2 * sigma2);
    ArmaKalman.Result r = ArmaKalman.filter(new double[] {phi}, new double[0], z, false);
    assertThat(r.logLikelihood(sigma2)).isCloseTo(closed, within(1e-9 * Math.abs(closed)));
    // concentrated: sigma2 = q / n maximises it
    assertThat(r.sigma2()).isCloseTo(q / n, within(1e-12 * q));
  }

  @Test
  void arma11MatchesDenseCovarianceLikelihood() {
    double phi = 0.6;
    double theta = -0.3;
    double sigma2 = 1.7;
    double[] z = Simulate.arma(5, 120, 0, new double[] {phi}, new double[] {theta}, 1.3);
    assertThat(kalman(new double[] {phi}, new double[] {theta}, z, sigma2))
        .isCloseTo(dense(phi, theta, sigma2, z), within(1e-8));
  }

  @Test
  void ma1MatchesDenseCovarianceLikelihoodNearNonInvertibility() {
    double theta = -0.97;
    double[] z = Simulate.arma(6, 80, 0, new double[0], new double[] {theta}, 1.0);
    assertThat(kalman(new double[0], new double[] {theta}, z, 0.9))
        .isCloseTo(dense(0, theta, 0.9, z), within(1e-8));
  }

  @Test
  void seasonalMaMatchesDenseLikelihood() {
    double[] theta = Polynomials.expandMa(new double[] {-0.4}, new double[] {-0.6}, 4);
    double[] z = Simulate.arma(9, 60, 0, new double[0], theta, 1.0);
    double[][] cov = new double[z.length][z.length];
    double[] psi = new double[theta.length + 1];
    psi[0] = 1;
    System.arraycopy(theta, 0, psi, 1, theta.length);
    for (int i = 0; i < z.length; i++) {
      for (int j = 0; j < z.length; j++) {
        int lag = Math.abs(i - j);
        double g = 0;
        for (int k = 0; k + lag < psi.length; k++) {
          g += psi[k] * psi[k + lag];
        }
        cov[i][j] = g;
      }
    }
    assertThat(kalman(new double[0], theta, z, 1.0)).isCloseTo(gaussian(cov, z), within(1e-8));
  }

  @Test
  void nonStationaryArIsRejected() {
    assertThat(ArmaKalman.filter(new double[] {1.0}, new double[0], new double[] {1, 2, 3}, false))
        .isNull();
    assertThat(ArmaKalman.filter(new double[] {1.2}, new double[0], new double[] {1, 2, 3}, false))
        .isNull();
  }

  private static double kalman(double[] phi, double[] theta, double[] z, double sigma2) {
    return ArmaKalman.filter(phi, theta, z, false).logLikelihood(sigma2);
  }

  /** ARMA(1,1) autocovariances in closed form, then the dense Gaussian likelihood. */
  private static double dense(double phi, double theta, double sigma2, double[] z) {
    int n = z.length;
    double g0 = sigma2 * (1 + 2 * phi * theta + theta * theta) / (1 - phi * phi);
    double g1 = sigma2 * (1 + phi * theta) * (phi + theta) / (1 - phi * phi);
    double[] g = new double[n];
    g[0] = g0;
    if (n > 1) {
      g[1] = g1;
    }
    for (int k = 2; k < n; k++) {
      g[k] = phi * g[k - 1];
    }
    double[][] cov = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        cov[i][j] = g[Math.abs(i - j)];
      }
    }
    return gaussian(cov, z);
  }

  private static double gaussian(double[][] cov, double[] z) {
    RealMatrix c = new Array2DRowRealMatrix(cov);
    CholeskyDecomposition ch = new CholeskyDecomposition(c, 1e-12, 1e-14);
    double logDet = Math.log(ch.getDeterminant());
    double quad = new ArrayRealVector(z).dotProduct(ch.getSolver().solve(new ArrayRealVector(z)));
    return -0.5 * (z.length * Math.log(2 * Math.PI) + logDet + quad);
  }
}
