package io.ecokube.predict.arima;

/**
 * How many differences a series needs: the KPSS level-stationarity test for ordinary differences
 * and a seasonal-strength measure for seasonal ones, as R's {@code forecast::ndiffs} and {@code
 * nsdiffs} do by default.
 */
public final class Differencing {
  /** KPSS 5 % critical value for level stationarity (Kwiatkowski et al. 1992, table 1). */
  public static final double KPSS_CRITICAL_5_PERCENT = 0.463;

  /** Seasonal strength above which one seasonal difference is taken (Wang, Smith, Hyndman). */
  public static final double SEASONAL_STRENGTH_THRESHOLD = 0.64;

  private Differencing() {}

  /**
   * The KPSS statistic for level stationarity with the Newey-West long-run variance at lag {@code
   * trunc(3 sqrt(n) / 13)} (the lag R's {@code ndiffs} uses). Large values reject stationarity.
   * Returns 0 for a constant series.
   */
  public static double kpss(double[] x) {
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = x[i] - mean;
    }
    int lag = (int) Math.floor(3 * Math.sqrt(n) / 13);
    double s2 = 0;
    for (double v : e) {
      s2 += v * v;
    }
    for (int j = 1; j <= lag; j++) {
      double c = 0;
      for (int t = j; t < n; t++) {
        c += e[t] * e[t - j];
      }
      s2 += 2 * (1 - j / (lag + 1.0)) * c;
    }
    s2 /= n;
    if (!(s2 > 0)) {
      return 0;
    }
    double cum = 0;
    double sum = 0;
    for (double v : e) {
      cum += v;
      sum += cum * cum;
    }
    return sum / ((double) n * n * s2);
  }

  /**
   * Ordinary differences (0 to {@code maxD}) needed until the KPSS test no longer rejects level
   * stationarity at 5 %, stopping early when differencing leaves a constant or too short series.
   */
  public static int ndiffs(double[] x, int maxD) {
    double[] cur = x;
    int d = 0;
    while (d < maxD && cur.length > 4 && !isConstant(cur) && kpss(cur) > KPSS_CRITICAL_5_PERCENT) {
      cur = Polynomials.lagDifference(cur, 1);
      d++;
    }
    return d;
  }

  /**
   * Strength of seasonality in [0, 1] from a classical decomposition: a centred moving average of
   * one period as trend, per-position means of the detrended series as the seasonal pattern, then
   * {@code max(0, 1 - var(remainder) / var(seasonal + remainder))}. Needs two full periods; returns
   * 0 otherwise.
   */
  public static double seasonalStrength(double[] x, int period) {
    int n = x.length;
    if (period < 2 || n < 2 * period) {
      return 0;
    }
    int half = period / 2;
    double[] trend = new double[n];
    boolean[] has = new boolean[n];
    for (int t = half; t + half < n; t++) {
      double s = 0;
      if (period % 2 == 0) {
        s += 0.5 * x[t - half] + 0.5 * x[t + half];
        for (int k = -half + 1; k < half; k++) {
          s += x[t + k];
        }
      } else {
        for (int k = -half; k <= half; k++) {
          s += x[t + k];
        }
      }
      trend[t] = s / period;
      has[t] = true;
    }
    double[] seasonSum = new double[period];
    int[] seasonCount = new int[period];
    for (int t = 0; t < n; t++) {
      if (has[t]) {
        seasonSum[t % period] += x[t] - trend[t];
        seasonCount[t % period]++;
      }
    }
    double[] season = new double[period];
    double avg = 0;
    for (int i = 0; i < period; i++) {
      season[i] = seasonCount[i] == 0 ? 0 : seasonSum[i] / seasonCount[i];
      avg += season[i];
    }
    avg /= period;
    double[] rem = new double[n];
    double[] sr = new double[n];
    int m = 0;
    for (int t = 0; t < n; t++) {
      if (has[t]) {
        double detrended = x[t] - trend[t];
        sr[m] = detrended;
        rem[m] = detrended - (season[t % period] - avg);
        m++;
      }
    }
    double vr = variance(rem, m);
    double vsr = variance(sr, m);
    if (!(vsr > 0)) {
      return 0;
    }
    return Math.max(0, 1 - vr / vsr);
  }

  /** 1 when {@link #seasonalStrength} exceeds the threshold, else 0. */
  public static int nsdiffs(double[] x, int period) {
    return seasonalStrength(x, period) > SEASONAL_STRENGTH_THRESHOLD ? 1 : 0;
  }

  /** Whether all values agree to within 1e-10 of their magnitude (rounding noise included). */
  static boolean isConstant(double[] x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return hi - lo <= 1e-10 * Math.max(1, Math.max(Math.abs(lo), Math.abs(hi)));
  }

  private static double variance(double[] v, int m) {
    double mean = 0;
    for (int i = 0; i < m; i++) {
      mean += v[i];
    }
    mean /= m;
    double s = 0;
    for (int i = 0; i < m; i++) {
      s += (v[i] - mean) * (v[i] - mean);
    }
    return s / m;
  }
}
