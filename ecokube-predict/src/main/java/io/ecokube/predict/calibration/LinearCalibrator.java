package io.ecokube.predict.calibration;

import java.util.Arrays;
import java.util.Objects;

/**
 * Fits {@link LinearCalibration}s from paired samples, by least squares or by Huber's robust
 * M-estimator. Degenerate input (fewer than two points, fewer than two distinct x values,
 * non-finite numbers, mismatched lengths) is rejected with a message naming the calibration, the
 * sample and the value.
 */
public final class LinearCalibrator {
  /** Huber's tuning constant: 95 % efficiency at the normal distribution. */
  static final double HUBER_K = 1.345;

  private static final int MAX_IRLS_ITERATIONS = 100;

  private LinearCalibrator() {}

  /**
   * Fits {@code y = intercept + slope x}.
   *
   * @param name what is calibrated, used in messages and kept in the result
   * @throws IllegalArgumentException for degenerate input
   */
  public static LinearCalibration fit(
      String name, double[] x, double[] y, CalibrationMethod method) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(method, "method");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("calibration name must not be blank");
    }
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "calibration '"
              + name
              + "': x has "
              + x.length
              + " values but y has "
              + y.length
              + "; pass one y per x");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            "calibration '"
                + name
                + "': sample "
                + i
                + " is not finite (x="
                + x[i]
                + ", y="
                + y[i]
                + "); drop or repair it");
      }
    }
    if (x.length < 2) {
      throw new IllegalArgumentException(
          "calibration '" + name + "' needs at least 2 samples, got " + x.length);
    }
    double xMin = Arrays.stream(x).min().orElseThrow();
    double xMax = Arrays.stream(x).max().orElseThrow();
    if (xMin == xMax) {
      throw new IllegalArgumentException(
          "calibration '"
              + name
              + "' needs at least 2 distinct x values, all "
              + x.length
              + " samples have x="
              + xMin
              + "; measure at different loads");
    }
    double[] w = new double[x.length];
    Arrays.fill(w, 1);
    double[] line = weightedLine(x, y, w);
    if (method == CalibrationMethod.HUBER) {
      line = huber(x, y, w, line);
    }
    return summarise(name, x, y, w, line, xMin, xMax, method);
  }

  /** Weighted least squares line {intercept, slope}. */
  private static double[] weightedLine(double[] x, double[] y, double[] w) {
    double sw = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < x.length; i++) {
      sw += w[i];
      sx += w[i] * x[i];
      sy += w[i] * y[i];
    }
    double mx = sx / sw;
    double my = sy / sw;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += w[i] * (x[i] - mx) * (x[i] - mx);
      sxy += w[i] * (x[i] - mx) * (y[i] - my);
    }
    double slope = sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }

  /**
   * Iteratively reweighted least squares with Huber weights; fills {@code w} with the final ones.
   */
  private static double[] huber(double[] x, double[] y, double[] w, double[] start) {
    double[] line = start;
    double[] r = new double[x.length];
    for (int iter = 0; iter < MAX_IRLS_ITERATIONS; iter++) {
      for (int i = 0; i < x.length; i++) {
        r[i] = y[i] - line[0] - line[1] * x[i];
      }
      double scale = mad(r) / 0.6745;
      if (!(scale > 0)) {
        // Most points lie exactly on the line: nothing to down-weight further.
        return line;
      }
      double[] nw = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double a = Math.abs(r[i]) / scale;
        nw[i] = a <= HUBER_K ? 1 : HUBER_K / a;
      }
      double[] next = weightedLine(x, y, nw);
      if (!Double.isFinite(next[0]) || !Double.isFinite(next[1])) {
        return line;
      }
      System.arraycopy(nw, 0, w, 0, w.length);
      double change = Math.abs(next[0] - line[0]) + Math.abs(next[1] - line[1]);
      line = next;
      if (change <= 1e-12 * (1 + Math.abs(line[0]) + Math.abs(line[1]))) {
        break;
      }
    }
    return line;
  }

  private static double mad(double[] r) {
    double[] a = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      a[i] = Math.abs(r[i]);
    }
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }

  private static LinearCalibration summarise(
      String name,
      double[] x,
      double[] y,
      double[] w,
      double[] line,
      double xMin,
      double xMax,
      CalibrationMethod method) {
    double sw = 0;
    double sy = 0;
    for (int i = 0; i < x.length; i++) {
      sw += w[i];
      sy += w[i] * y[i];
    }
    double my = sy / sw;
    double sse = 0;
    double sst = 0;
    for (int i = 0; i < x.length; i++) {
      double e = y[i] - line[0] - line[1] * x[i];
      sse += w[i] * e * e;
      sst += w[i] * (y[i] - my) * (y[i] - my);
    }
    // Weights sum to n for least squares; rescale so the Huber error is in units of y per point.
    double effective = sse * x.length / sw;
    double r2 = sst > 0 ? Math.max(0, Math.min(1, 1 - sse / sst)) : (sse == 0 ? 1 : 0);
    double rse = x.length > 2 ? Math.sqrt(effective / (x.length - 2)) : 0;
    return new LinearCalibration(name, line[1], line[0], r2, rse, x.length, xMin, xMax, method);
  }
}
