package io.ecokube.predict.arima;

/**
 * Exact Gaussian likelihood of a zero-mean stationary ARMA series through the Kalman filter on
 * Harvey's state-space form, with the innovation variance factored out (the filter runs with unit
 * variance; the variance is estimated or supplied afterwards).
 *
 * <p>State {@code alpha[t]} has {@code r = max(p, q + 1)} entries, {@code w[t] = alpha[t][0]},
 * {@code alpha[t+1] = T alpha[t] + R e[t+1]} with {@code T} holding {@code phi} in its first column
 * and ones on the superdiagonal, and {@code R = (1, theta1, ..., theta_{r-1})}. The initial state
 * covariance is the stationary one, built from the ARMA autocovariances; the covariance then
 * follows the Chandrasekhar recursions in O(r) per step (see {@link #filter}), until it stops
 * changing and the filter switches to its steady state.
 */
final class ArmaKalman {
  /**
   * Largest change of the unit-variance state covariance at which the filter is treated as
   * converged; errors this small move the log-likelihood by far less than 1e-6.
   */
  private static final double STEADY_TOLERANCE = 1e-10;

  private ArmaKalman() {}

  /** What the filter leaves behind. */
  record Result(
      double sumSquares, double sumLogF, int n, double[] nextState, double[][] nextCovariance) {

    /** The innovation variance that maximises the likelihood. */
    double sigma2() {
      return sumSquares / n;
    }

    /** Log-likelihood with the innovation variance concentrated out. */
    double concentratedLogLikelihood() {
      double s2 = sigma2();
      return -0.5 * n * (Math.log(2 * Math.PI) + 1 + Math.log(s2)) - 0.5 * sumLogF;
    }

    /** Log-likelihood at a given innovation variance. */
    double logLikelihood(double sigma2) {
      return -0.5 * n * Math.log(2 * Math.PI * sigma2) - 0.5 * sumLogF - 0.5 * sumSquares / sigma2;
    }
  }

  /**
   * Runs the filter.
   *
   * <p>The covariance is propagated by the Chandrasekhar recursions (Morf, Sidhu and Kailath 1974;
   * Herbst 2015): from a stationary start each step changes the predicted covariance by a rank-one
   * matrix {@code W M W'}, so the gain and the innovation variance follow from an r-vector and a
   * scalar in O(r) per step instead of the Riccati equation's O(r^2). The full covariance is only
   * accumulated when the final state is asked for.
   *
   * @param phi expanded AR coefficients
   * @param theta expanded MA coefficients
   * @param z the zero-mean series
   * @param keepState whether to return the final predicted state and covariance
   * @return the result, or {@code null} when the AR part is not stationary (no stationary
   *     covariance exists) or the filter degenerates
   */
  static Result filter(double[] phi, double[] theta, double[] z, boolean keepState) {
    int r = Math.max(phi.length, theta.length + 1);
    double[] ph = new double[r];
    System.arraycopy(phi, 0, ph, 0, phi.length);
    double[] rr = new double[r];
    rr[0] = 1;
    System.arraycopy(theta, 0, rr, 1, theta.length);
    double[][] p = stationaryCovariance(ph, rr);
    if (p == null) {
      return null;
    }
    double f = p[0][0];
    // K F = T P Z' = T (first column of P); W starts there with M = -1 / F.
    double[] pcol = new double[r];
    for (int i = 0; i < r; i++) {
      pcol[i] = p[i][0];
    }
    double[] kf = new double[r];
    transitionState(ph, pcol, kf);
    double[] gain = new double[r];
    for (int i = 0; i < r; i++) {
      gain[i] = kf[i] / f;
    }
    double[] w = kf.clone();
    double m = -1 / f;
    double[] tw = new double[r];
    double[] a = new double[r];
    double[] ta = new double[r];
    double ssq = 0;
    double sumLogF = 0;
    boolean steady = false;
    for (int t = 0; t < z.length; t++) {
      if (!(f > 0) || !Double.isFinite(f)) {
        return null;
      }
      double v = z[t] - a[0];
      ssq += v * v / f;
      sumLogF += Math.log(f);
      transitionState(ph, a, ta);
      for (int i = 0; i < r; i++) {
        a[i] = ta[i] + gain[i] * v;
      }
      if (steady) {
        continue;
      }
      double zw = w[0];
      double dm = m * zw;
      if (keepState) {
        for (int i = 0; i < r; i++) {
          double wi = w[i] * m;
          for (int j = 0; j < r; j++) {
            p[i][j] += wi * w[j];
          }
        }
      }
      double fNext = f + zw * dm;
      transitionState(ph, w, tw);
      double change = 0;
      for (int i = 0; i < r; i++) {
        double g = (gain[i] * f + tw[i] * dm) / fNext;
        change = Math.max(change, Math.abs(g - gain[i]));
        gain[i] = g;
      }
      double mNext = m + dm * dm / f;
      double norm = 0;
      for (int i = 0; i < r; i++) {
        w[i] = tw[i] - gain[i] * zw;
        norm = Math.max(norm, Math.abs(w[i]));
      }
      change = Math.max(change, Math.abs(fNext - f));
      f = fNext;
      m = mNext;
      // Once the rank-one increments W M W' vanish the filter has reached its steady state.
      if (change < STEADY_TOLERANCE && norm * norm * Math.abs(m) < STEADY_TOLERANCE) {
        steady = true;
      }
    }
    if (!Double.isFinite(ssq) || !Double.isFinite(sumLogF)) {
      return null;
    }
    return new Result(ssq, sumLogF, z.length, keepState ? a : null, keepState ? p : null);
  }

  /** {@code out = T in}. */
  private static void transitionState(double[] ph, double[] in, double[] out) {
    int r = ph.length;
    double first = in[0];
    for (int i = 0; i < r - 1; i++) {
      out[i] = ph[i] * first + in[i + 1];
    }
    out[r - 1] = ph[r - 1] * first;
  }

  /**
   * The stationary covariance of the state, {@code P = T P T' + R R'}, from the ARMA
   * autocovariances: with {@code alpha[i] = sum_k phi[i+k+1] w[t-1-k] + sum_k theta[i+k] e[t-k]},
   * each entry is a short sum over the non-zero coefficients of autocovariances {@code gamma},
   * innovation variances and cross-covariances {@code psi} (the MA(infinity) weights). Seasonal
   * polynomials are sparse, so this costs far less than iterating the Lyapunov equation. Returns
   * {@code null} when the AR polynomial is not stationary.
   */
  static double[][] stationaryCovariance(double[] ph, double[] rr) {
    int r = ph.length;
    int arDegree = 0;
    for (int i = 0; i < r; i++) {
      if (ph[i] != 0) {
        arDegree = i + 1;
      }
    }
    if (!isStationary(ph, arDegree)) {
      return null;
    }
    double[] psi = new double[r + 1];
    for (int j = 0; j <= r; j++) {
      double v = j < r ? rr[j] : 0;
      for (int i = 1; i <= Math.min(j, arDegree); i++) {
        v += ph[i - 1] * psi[j - i];
      }
      psi[j] = v;
    }
    double[] gamma = autocovariances(ph, rr, psi, arDegree, r);
    if (gamma == null) {
      return null;
    }
    int[] nzA = nonZero(ph);
    int[] nzB = nonZero(rr);
    double[][] p = new double[r][r];
    for (int i = 0; i < r; i++) {
      for (int j = i; j < r; j++) {
        double v = 0;
        for (int ma : nzA) {
          if (ma < i) {
            continue;
          }
          int k = ma - i;
          for (int mb : nzA) {
            if (mb < j) {
              continue;
            }
            v += ph[ma] * ph[mb] * gamma[Math.abs(k - (mb - j))];
          }
          for (int mb : nzB) {
            if (mb < j) {
              continue;
            }
            int lag = (mb - j) - 1 - k;
            if (lag >= 0) {
              v += ph[ma] * rr[mb] * psi[lag];
            }
          }
        }
        for (int mb : nzB) {
          if (mb < i) {
            continue;
          }
          int k = mb - i;
          if (j + k < r) {
            v += rr[mb] * rr[j + k];
          }
          for (int ma : nzA) {
            if (ma < j) {
              continue;
            }
            int lag = k - 1 - (ma - j);
            if (lag >= 0) {
              v += rr[mb] * ph[ma] * psi[lag];
            }
          }
        }
        p[i][j] = v;
        p[j][i] = v;
      }
    }
    return p[0][0] > 0 && Double.isFinite(p[0][0]) ? p : null;
  }

  /**
   * Autocovariances {@code gamma(0..r-1)} of the unit-variance ARMA: the first {@code arDegree + 1}
   * from the linear equations {@code gamma(h) - sum phi_i gamma(|h-i|) = sum_{j>=h} theta_j
   * psi_{j-h}}, the rest by the AR recursion.
   */
  private static double[] autocovariances(
      double[] ph, double[] rr, double[] psi, int arDegree, int r) {
    int m = arDegree + 1;
    int len = Math.max(r, m);
    double[] c = new double[len];
    for (int h = 0; h < len; h++) {
      double v = 0;
      for (int j = h; j < r; j++) {
        v += rr[j] * psi[j - h];
      }
      c[h] = v;
    }
    double[][] a = new double[m][m + 1];
    for (int h = 0; h < m; h++) {
      a[h][h] += 1;
      for (int i = 1; i <= arDegree; i++) {
        a[h][Math.abs(h - i)] -= ph[i - 1];
      }
      a[h][m] = c[h];
    }
    double[] g0 = solve(a, m);
    if (g0 == null) {
      return null;
    }
    double[] gamma = new double[len];
    System.arraycopy(g0, 0, gamma, 0, m);
    for (int h = m; h < len; h++) {
      double v = c[h];
      for (int i = 1; i <= arDegree; i++) {
        v += ph[i - 1] * gamma[h - i];
      }
      gamma[h] = v;
    }
    return gamma;
  }

  /** Gaussian elimination with partial pivoting on an augmented m x (m+1) matrix. */
  private static double[] solve(double[][] a, int m) {
    for (int col = 0; col < m; col++) {
      int piv = col;
      for (int row = col + 1; row < m; row++) {
        if (Math.abs(a[row][col]) > Math.abs(a[piv][col])) {
          piv = row;
        }
      }
      if (!(Math.abs(a[piv][col]) > 1e-300)) {
        return null;
      }
      double[] t = a[piv];
      a[piv] = a[col];
      a[col] = t;
      for (int row = col + 1; row < m; row++) {
        double factor = a[row][col] / a[col][col];
        if (factor == 0) {
          continue;
        }
        for (int k = col; k <= m; k++) {
          a[row][k] -= factor * a[col][k];
        }
      }
    }
    double[] x = new double[m];
    for (int row = m - 1; row >= 0; row--) {
      double v = a[row][m];
      for (int k = row + 1; k < m; k++) {
        v -= a[row][k] * x[k];
      }
      x[row] = v / a[row][row];
    }
    return x;
  }

  /**
   * Whether {@code 1 - sum phi_i B^i} has all roots outside the unit circle: the step-down (inverse
   * Durbin-Levinson) recursion must give partial autocorrelations inside (-1, 1).
   */
  static boolean isStationary(double[] ph, int degree) {
    double[] cur = new double[degree];
    System.arraycopy(ph, 0, cur, 0, degree);
    for (int k = degree - 1; k >= 0; k--) {
      double rk = cur[k];
      if (!(Math.abs(rk) < 1)) {
        return false;
      }
      double[] next = new double[k];
      for (int i = 0; i < k; i++) {
        next[i] = (cur[i] + rk * cur[k - 1 - i]) / (1 - rk * rk);
      }
      cur = next;
    }
    return true;
  }

  private static int[] nonZero(double[] v) {
    int count = 0;
    for (double x : v) {
      if (x != 0) {
        count++;
      }
    }
    int[] idx = new int[count];
    int k = 0;
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0) {
        idx[k++] = i;
      }
    }
    return idx;
  }
}
