package io.ecokube.predict.arima;

/**
 * Lag-polynomial arithmetic and the parameter transforms that keep AR polynomials stationary and MA
 * polynomials invertible.
 *
 * <p>Conventions: AR coefficients {@code phi} mean {@code w[t] = sum phi[i] w[t-1-i] + ...}, i.e.
 * the polynomial {@code 1 - phi1 B - phi2 B^2 ...}; MA coefficients {@code theta} mean the
 * polynomial {@code 1 + theta1 B + ...}.
 */
final class Polynomials {
  private Polynomials() {}

  /** Product of two polynomials given by full coefficient arrays (index = power of B). */
  static double[] multiply(double[] a, double[] b) {
    double[] out = new double[a.length + b.length - 1];
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 0) {
        continue;
      }
      for (int j = 0; j < b.length; j++) {
        out[i + j] += a[i] * b[j];
      }
    }
    return out;
  }

  /**
   * The AR coefficients of {@code (1 - sum phi B^i)(1 - sum sphi B^(s j))}, in the same sign
   * convention as the inputs.
   */
  static double[] expandAr(double[] phi, double[] seasonalPhi, int s) {
    double[] a = arPolynomial(phi, 1);
    double[] b = arPolynomial(seasonalPhi, s);
    double[] prod = multiply(a, b);
    double[] out = new double[prod.length - 1];
    for (int i = 1; i < prod.length; i++) {
      out[i - 1] = -prod[i];
    }
    return out;
  }

  /** The MA coefficients of {@code (1 + sum theta B^i)(1 + sum stheta B^(s j))}. */
  static double[] expandMa(double[] theta, double[] seasonalTheta, int s) {
    double[] a = maPolynomial(theta, 1);
    double[] b = maPolynomial(seasonalTheta, s);
    double[] prod = multiply(a, b);
    double[] out = new double[prod.length - 1];
    System.arraycopy(prod, 1, out, 0, out.length);
    return out;
  }

  private static double[] arPolynomial(double[] phi, int spacing) {
    double[] p = new double[phi.length * spacing + 1];
    p[0] = 1;
    for (int i = 0; i < phi.length; i++) {
      p[(i + 1) * spacing] = -phi[i];
    }
    return p;
  }

  private static double[] maPolynomial(double[] theta, int spacing) {
    double[] p = new double[theta.length * spacing + 1];
    p[0] = 1;
    for (int i = 0; i < theta.length; i++) {
      p[(i + 1) * spacing] = theta[i];
    }
    return p;
  }

  /** Full coefficients of {@code (1 - B)^d (1 - B^s)^D}. */
  static double[] differencing(int d, int seasonalD, int s) {
    double[] p = {1};
    for (int i = 0; i < d; i++) {
      p = multiply(p, new double[] {1, -1});
    }
    for (int i = 0; i < seasonalD; i++) {
      double[] q = new double[s + 1];
      q[0] = 1;
      q[s] = -1;
      p = multiply(p, q);
    }
    return p;
  }

  /** Applies {@code (1 - B)^d (1 - B^s)^D} to a series; the result is shorter by d + sD. */
  static double[] difference(double[] y, int d, int seasonalD, int s) {
    double[] x = y;
    for (int i = 0; i < d; i++) {
      x = lagDifference(x, 1);
    }
    for (int i = 0; i < seasonalD; i++) {
      x = lagDifference(x, s);
    }
    return x;
  }

  static double[] lagDifference(double[] x, int lag) {
    if (x.length <= lag) {
      return new double[0];
    }
    double[] out = new double[x.length - lag];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i + lag] - x[i];
    }
    return out;
  }

  /**
   * Maps any real vector to the coefficients of a stationary AR polynomial: each entry becomes a
   * partial autocorrelation in (-1, 1) through {@code x / sqrt(1 + x^2)}, and the Durbin-Levinson
   * recursion turns the partial autocorrelations into AR coefficients (Monahan 1984, Jones 1980).
   * The map is onto the stationary region, so an unconstrained optimiser can search it freely.
   */
  static double[] constrainStationary(double[] x, int from, int length) {
    double[] phi = new double[length];
    double[] prev = new double[length];
    for (int k = 0; k < length; k++) {
      double u = x[from + k];
      double r = u / Math.sqrt(1 + u * u);
      for (int i = 0; i < k; i++) {
        phi[i] = prev[i] - r * prev[k - 1 - i];
      }
      phi[k] = r;
      System.arraycopy(phi, 0, prev, 0, k + 1);
    }
    return phi;
  }

  /**
   * The inverse of {@link #constrainStationary}: the unconstrained vector for the coefficients of a
   * stationary AR polynomial. Coefficients on or outside the boundary are pulled just inside.
   */
  static double[] unconstrainStationary(double[] phi) {
    int n = phi.length;
    double[] cur = phi.clone();
    double[] r = new double[n];
    for (int k = n - 1; k >= 0; k--) {
      double rk = Math.max(-0.9999, Math.min(0.9999, cur[k]));
      r[k] = rk;
      double[] next = new double[k];
      for (int i = 0; i < k; i++) {
        next[i] = (cur[i] + rk * cur[k - 1 - i]) / (1 - rk * rk);
      }
      cur = next;
    }
    double[] x = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = r[k] / Math.sqrt(1 - r[k] * r[k]);
    }
    return x;
  }
}
