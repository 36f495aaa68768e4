package io.ecokube.predict.arima;

import io.ecokube.api.forecast.TimeSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** Seeded simulation of ARMA series for self-derived reference cases. */
final class Simulate {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Simulate() {}

  /** ARMA(p,q) around {@code mean} with N(0, sigma^2) innovations, after a 500-step burn-in. */
  static double[] arma(long seed, int n, double mean, double[] phi, double[] theta, double sigma) {
    Random rnd = new Random(seed);
    int burn = 500;
    double[] w = new double[n + burn];
    double[] e = new double[n + burn];
    for (int t = 0; t < n + burn; t++) {
      e[t] = sigma * rnd.nextGaussian();
      double v = e[t];
      for (int i = 0; i < phi.length && t - 1 - i >= 0; i++) {
        v += phi[i] * w[t - 1 - i];
      }
      for (int j = 0; j < theta.length && t - 1 - j >= 0; j++) {
        v += theta[j] * e[t - 1 - j];
      }
      w[t] = v;
    }
    double[] out = new double[n];
    for (int t = 0; t < n; t++) {
      out[t] = mean + w[t + burn];
    }
    return out;
  }

  /** Cumulative sum starting at {@code start}: integrates a differenced series once. */
  static double[] integrate(double start, double[] w) {
    double[] y = new double[w.length + 1];
    y[0] = start;
    for (int t = 0; t < w.length; t++) {
      y[t + 1] = y[t] + w[t];
    }
    return y;
  }

  static TimeSeries hourly(double[] y) {
    return new TimeSeries(T0, Duration.ofHours(1), y);
  }
}
