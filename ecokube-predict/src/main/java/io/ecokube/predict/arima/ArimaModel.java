package io.ecokube.predict.arima;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.math3.special.Erf;

/**
 * A fitted seasonal ARIMA model. Immutable and thread-safe.
 *
 * <p>Forecasts come from the Kalman filter's last predicted state, propagated together with the
 * last {@code d + sD} observations through the differencing recursion, so both the point forecasts
 * and their variances are exact for the fitted model on the finite sample (the same as statsmodels'
 * state-space forecasts), not an infinite-past approximation.
 */
public final class ArimaModel implements ForecastModel {
  private final ArimaSpec spec;
  private final double[] ar;
  private final double[] ma;
  private final double[] seasonalAr;
  private final double[] seasonalMa;
  private final double mean;
  private final double sigma2;
  private final double logLikelihood;
  private final int observationsUsed;
  private final double[] state;
  private final double[][] covariance;
  private final double[] tail;
  private final Instant forecastStart;
  private final Duration step;
  private final int skip;
  private final String note;

  ArimaModel(
      ArimaSpec spec,
      double[] ar,
      double[] ma,
      double[] seasonalAr,
      double[] seasonalMa,
      double mean,
      double sigma2,
      double logLikelihood,
      int observationsUsed,
      double[] state,
      double[][] covariance,
      double[] tail,
      Instant forecastStart,
      Duration step,
      int skip,
      String note) {
    this.spec = spec;
    this.ar = ar.clone();
    this.ma = ma.clone();
    this.seasonalAr = seasonalAr.clone();
    this.seasonalMa = seasonalMa.clone();
    this.mean = mean;
    this.sigma2 = sigma2;
    this.logLikelihood = logLikelihood;
    this.observationsUsed = observationsUsed;
    this.state = state.clone();
    this.covariance = new double[covariance.length][];
    for (int i = 0; i < covariance.length; i++) {
      this.covariance[i] = covariance[i].clone();
    }
    this.tail = tail.clone();
    this.forecastStart = forecastStart;
    this.step = step;
    this.skip = skip;
    this.note = note;
  }

  /** The model's orders and trend. */
  public ArimaSpec spec() {
    return spec;
  }

  /** Non-seasonal AR coefficients (statsmodels' {@code ar.L1 ...}). */
  public double[] arCoefficients() {
    return ar.clone();
  }

  /** Non-seasonal MA coefficients (statsmodels' {@code ma.L1 ...}). */
  public double[] maCoefficients() {
    return ma.clone();
  }

  /** Seasonal AR coefficients (statsmodels' {@code ar.S.L12 ...}). */
  public double[] seasonalArCoefficients() {
    return seasonalAr.clone();
  }

  /** Seasonal MA coefficients (statsmodels' {@code ma.S.L12 ...}). */
  public double[] seasonalMaCoefficients() {
    return seasonalMa.clone();
  }

  /**
   * The mean of the differenced series: the constant for {@link Trend#CONSTANT}, {@code drift x (d
   * == 1 ? 1 : s)} for {@link Trend#DRIFT}, 0 otherwise.
   */
  public double mean() {
    return mean;
  }

  /** The slope per step for {@link Trend#DRIFT} (statsmodels' {@code x1}), 0 otherwise. */
  public double drift() {
    if (spec.trend() != Trend.DRIFT) {
      return 0;
    }
    return spec.d() == 1 ? mean : mean / spec.period();
  }

  /** The innovation variance. */
  public double sigma2() {
    return sigma2;
  }

  /** The exact Gaussian log-likelihood of the differenced series at the estimates. */
  public double logLikelihood() {
    return logLikelihood;
  }

  /** Observations the likelihood covers: the series length minus {@code d + sD}. */
  public int observationsUsed() {
    return observationsUsed;
  }

  /** Number of estimated parameters, sigma2 included. */
  public int parameterCount() {
    return spec.coefficientCount() + 1;
  }

  /** Akaike's information criterion. */
  public double aic() {
    return -2 * logLikelihood + 2 * parameterCount();
  }

  /**
   * AIC with the small-sample correction {@code 2k(k+1)/(n-k-1)}; infinite when {@code n <= k + 1}.
   */
  public double aicc() {
    int k = parameterCount();
    int denom = observationsUsed - k - 1;
    return denom <= 0 ? Double.POSITIVE_INFINITY : aic() + 2.0 * k * (k + 1) / denom;
  }

  /** Schwarz's Bayesian information criterion. */
  public double bic() {
    return -2 * logLikelihood + parameterCount() * Math.log(observationsUsed);
  }

  @Override
  public String description() {
    return spec + note;
  }

  @Override
  public String toString() {
    return description();
  }

  @Override
  public Forecast forecast(int steps, double level) {
    if (steps < 1) {
      throw new IllegalArgumentException("forecast steps must be >= 1, got " + steps);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("forecast level must be in (0, 1), got " + level);
    }
    int total = steps + skip;
    double[][] mv = meanAndVariance(total);
    double z = Math.sqrt(2) * Erf.erfInv(level);
    double[] m = new double[steps];
    double[] lo = new double[steps];
    double[] hi = new double[steps];
    for (int h = 0; h < steps; h++) {
      double mu = mv[0][h + skip];
      double sd = Math.sqrt(Math.max(0, mv[1][h + skip]) * sigma2);
      m[h] = mu;
      lo[h] = mu - z * sd;
      hi[h] = mu + z * sd;
      if (!Double.isFinite(lo[h]) || !Double.isFinite(hi[h])) {
        throw new ForecastException(
            description() + " produced a non-finite forecast at step " + (h + 1));
      }
    }
    return new Forecast(forecastStart, step, m, lo, hi, level, description());
  }

  /**
   * Means and variances (in units of sigma2) of the next {@code total} observations, propagating
   * the augmented state {@code [ARMA state; last d + sD observations]}.
   */
  private double[][] meanAndVariance(int total) {
    double[] phi = Polynomials.expandAr(ar, seasonalAr, spec.period());
    double[] theta = Polynomials.expandMa(ma, seasonalMa, spec.period());
    double[] delta = Polynomials.differencing(spec.d(), spec.seasonalD(), spec.period());
    int r = state.length;
    int lag = tail.length;
    int m = r + lag;
    double[] ph = new double[r];
    System.arraycopy(phi, 0, ph, 0, phi.length);
    double[] rr = new double[r];
    rr[0] = 1;
    System.arraycopy(theta, 0, rr, 1, theta.length);
    // g: y_t = mean + g . x_t
    double[] g = new double[m];
    g[0] = 1;
    for (int k = 1; k <= lag; k++) {
      g[r + k - 1] = -delta[k];
    }
    // transition M of the augmented state
    double[][] tr = new double[m][m];
    for (int i = 0; i < r; i++) {
      tr[i][0] = ph[i];
      if (i + 1 < r) {
        tr[i][i + 1] = 1;
      }
    }
    if (lag > 0) {
      System.arraycopy(g, 0, tr[r], 0, m);
      for (int k = 1; k < lag; k++) {
        tr[r + k][r + k - 1] = 1;
      }
    }
    // The transition is sparse (at most two entries per ARMA row, one per lag row, and the
    // differencing coefficients in the first lag row): keep only its non-zero entries so each step
    // costs O(m^2 x entries per row) instead of a dense O(m^3) product.
    int[][] cols = new int[m][];
    double[][] vals = new double[m][];
    for (int i = 0; i < m; i++) {
      int count = 0;
      for (int j = 0; j < m; j++) {
        if (tr[i][j] != 0) {
          count++;
        }
      }
      cols[i] = new int[count];
      vals[i] = new double[count];
      int k = 0;
      for (int j = 0; j < m; j++) {
        if (tr[i][j] != 0) {
          cols[i][k] = j;
          vals[i][k++] = tr[i][j];
        }
      }
    }
    double[] x = new double[m];
    System.arraycopy(state, 0, x, 0, r);
    System.arraycopy(tail, 0, x, r, lag);
    double[][] c = new double[m][m];
    for (int i = 0; i < r; i++) {
      System.arraycopy(covariance[i], 0, c[i], 0, r);
    }
    double[] means = new double[total];
    double[] vars = new double[total];
    double[][] tmp = new double[m][m];
    double[] nx = new double[m];
    for (int h = 0; h < total; h++) {
      double yhat = mean;
      for (int i = 0; i < m; i++) {
        yhat += g[i] * x[i];
      }
      double var = 0;
      for (int i = 0; i < m; i++) {
        if (g[i] == 0) {
          continue;
        }
        for (int j = 0; j < m; j++) {
          var += g[i] * c[i][j] * g[j];
        }
      }
      means[h] = yhat;
      vars[h] = var;
      if (h + 1 == total) {
        break;
      }
      for (int i = 0; i < m; i++) {
        double sum = 0;
        for (int k = 0; k < cols[i].length; k++) {
          sum += vals[i][k] * x[cols[i][k]];
        }
        nx[i] = sum;
      }
      if (lag > 0) {
        nx[r] += mean;
      }
      System.arraycopy(nx, 0, x, 0, m);
      // c = M c M' + R R'
      for (int i = 0; i < m; i++) {
        double[] ti = tmp[i];
        java.util.Arrays.fill(ti, 0);
        for (int k = 0; k < cols[i].length; k++) {
          double v = vals[i][k];
          double[] ck = c[cols[i][k]];
          for (int j = 0; j < m; j++) {
            ti[j] += v * ck[j];
          }
        }
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          double sum = 0;
          for (int k = 0; k < cols[j].length; k++) {
            sum += tmp[i][cols[j][k]] * vals[j][k];
          }
          c[i][j] = sum + (i < r && j < r ? rr[i] * rr[j] : 0);
        }
      }
    }
    return new double[][] {means, vars};
  }
}
