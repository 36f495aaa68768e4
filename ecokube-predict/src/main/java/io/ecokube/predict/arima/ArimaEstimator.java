package io.ecokube.predict.arima;

import io.ecokube.api.forecast.ForecastException;
import io.ecokube.predict.PreparedSeries;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits an {@link ArimaSpec} by exact Gaussian maximum likelihood.
 *
 * <p>The series is differenced ({@code (1-B)^d (1-B^s)^D}), which gives the same likelihood as a
 * diffuse initialisation of the integrated states (statsmodels' default, and R's). The remaining
 * stationary ARMA is centred and scaled for the optimiser; its likelihood comes from {@link
 * ArmaKalman} with the innovation variance concentrated out. Coefficients are searched in an
 * unconstrained space mapped onto the stationary / invertible region ({@link
 * Polynomials#constrainStationary}); the search starts from the conditional-sum-of-squares
 * estimate. Nelder-Mead does the multivariate search (commons-math3's BOBYQA gave the same optima
 * but spent far more time in its own bookkeeping than in the likelihood), Brent the one-parameter
 * case.
 */
final class ArimaEstimator {
  private static final Logger LOG = LoggerFactory.getLogger(ArimaEstimator.class);

  /** Brent's search interval; +-20 maps to partial autocorrelations within 0.0013 of +-1. */
  private static final double BOUND = 20;

  private static final int MAX_EVAL = 20_000;
  private static final int EVALS_PER_DIMENSION = 150;
  private static final double PENALTY = 1e10;

  private ArimaEstimator() {}

  /** The differenced, centred and scaled series the optimiser works on. */
  private record Working(double[] y, double[] z, int n, double mean, double scale) {}

  private static Working prepare(ArimaSpec spec, PreparedSeries series) {
    double[] y = series.values();
    double[] w = Polynomials.difference(y, spec.d(), spec.seasonalD(), spec.period());
    int n = w.length;
    int k = spec.coefficientCount() + 1;
    int needed = Math.max(k + 2, 3);
    if (n < needed) {
      throw new ForecastException(
          spec
              + " needs at least "
              + (needed + spec.differencingLag())
              + " observations ("
              + needed
              + " after differencing), got "
              + y.length);
    }
    double mean = 0;
    for (double v : w) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : w) {
      var += (v - mean) * (v - mean);
    }
    double scale = Math.sqrt(var / n);
    if (!(scale > 1e-12 * Math.max(1, Math.abs(mean)))) {
      throw new ForecastException(
          "series is constant after differencing for "
              + spec
              + " (value "
              + mean
              + "); an ARIMA model needs variation to estimate");
    }
    boolean hasMean = spec.trend() != Trend.NONE;
    double[] z = new double[n];
    for (int t = 0; t < n; t++) {
      z[t] = ((hasMean ? w[t] - mean : w[t])) / scale;
    }
    return new Working(y, z, n, mean, scale);
  }

  /**
   * A quick information criterion from a conditional-sum-of-squares fit: AICc with the Gaussian
   * likelihood of the residuals from observation {@code conditioning} (of the differenced series)
   * on. Models scored with the same {@code conditioning} and differencing are comparable.
   */
  static double cssAicc(ArimaSpec spec, PreparedSeries series, int conditioning) {
    Working wk = prepare(spec, series);
    Layout layout = new Layout(spec);
    int start = Math.max(conditioning, layout.arDegree());
    int m = wk.n - start;
    int k = spec.coefficientCount() + 1;
    if (m - k - 1 <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    double[] x =
        layout.dim == 0
            ? new double[0]
            : minimise(v -> cssObjective(layout, wk.z, v, start), new double[layout.dim], 0.5);
    double half = cssObjective(layout, wk.z, x, start);
    if (half >= PENALTY) {
      return Double.POSITIVE_INFINITY;
    }
    double sigma2 = Math.exp(2 * half) * wk.scale * wk.scale;
    double llf = -0.5 * m * (Math.log(2 * Math.PI * sigma2) + 1);
    return -2 * llf + 2 * k + 2.0 * k * (k + 1) / (m - k - 1);
  }

  static ArimaModel fit(ArimaSpec spec, PreparedSeries series, String notePrefix) {
    Working wk = prepare(spec, series);
    double[] y = wk.y;
    double[] z = wk.z;
    int n = wk.n;
    double mean = wk.mean;
    double scale = wk.scale;
    boolean hasMean = spec.trend() != Trend.NONE;
    Layout layout = new Layout(spec);
    int dim = layout.dim;

    double[] x0 = new double[dim];
    double[] xCss = dim == 0 ? x0 : minimise(x -> cssObjective(layout, z, x, 0), x0, 0.5);
    double[] xMl = dim == 0 ? x0 : minimise(x -> mlObjective(layout, z, x), xCss, 0.2);
    if (mlObjective(layout, z, xMl) >= PENALTY) {
      xMl = dim == 0 ? x0 : minimise(x -> mlObjective(layout, z, x), x0, 0.5);
    }

    Decoded p = layout.decode(xMl);
    double[] zc = centred(z, p.mu);
    ArmaKalman.Result res = ArmaKalman.filter(p.phiExpanded(), p.thetaExpanded(), zc, true);
    if (res == null || !(res.sigma2() > 0)) {
      throw new ForecastException("could not fit " + spec + ": the likelihood is degenerate");
    }
    double sigma2 = res.sigma2() * scale * scale;
    double llf = res.concentratedLogLikelihood() - n * Math.log(scale);
    double mu = hasMean ? mean + scale * p.mu : 0;
    double[] state = res.nextState();
    for (int i = 0; i < state.length; i++) {
      state[i] *= scale;
    }
    if (!Double.isFinite(llf) || !Double.isFinite(sigma2) || !Double.isFinite(mu)) {
      throw new ForecastException("could not fit " + spec + ": the likelihood is not finite");
    }
    int lag = spec.differencingLag();
    double[] tail = new double[lag];
    for (int i = 0; i < lag; i++) {
      tail[i] = y[y.length - 1 - i];
    }
    return new ArimaModel(
        spec,
        p.phi,
        p.theta,
        p.sphi,
        p.stheta,
        mu,
        sigma2,
        llf,
        n,
        state,
        res.nextCovariance(),
        tail,
        series.forecastStart(),
        series.step(),
        series.trailingMissing(),
        notePrefix + series.gapNote());
  }

  private static double[] centred(double[] z, double mu) {
    if (mu == 0) {
      return z;
    }
    double[] out = new double[z.length];
    for (int t = 0; t < z.length; t++) {
      out[t] = z[t] - mu;
    }
    return out;
  }

  /** Minus the concentrated log-likelihood (per observation), or a penalty off the valid region. */
  static double mlObjective(Layout layout, double[] z, double[] x) {
    Decoded p = layout.decode(x);
    ArmaKalman.Result r =
        ArmaKalman.filter(p.phiExpanded(), p.thetaExpanded(), centred(z, p.mu), false);
    if (r == null || !(r.sumSquares() > 0)) {
      return PENALTY;
    }
    double v = -r.concentratedLogLikelihood() / z.length;
    return Double.isFinite(v) ? v : PENALTY;
  }

  /**
   * Half the log of the conditional mean squared residual from observation {@code max(from, p*)}
   * on, residuals before it taken as 0.
   */
  static double cssObjective(Layout layout, double[] z, double[] x, int from) {
    Decoded p = layout.decode(x);
    double[] phi = p.phiExpanded();
    double[] theta = p.thetaExpanded();
    int n = z.length;
    int start = Math.min(Math.max(from, phi.length), n - 1);
    // Seasonal polynomials are mostly zeros: loop over the non-zero lags only.
    int[] arLags = nonZeroLags(phi);
    int[] maLags = nonZeroLags(theta);
    double[] e = new double[n];
    double sum = 0;
    for (int t = start; t < n; t++) {
      double v = z[t] - p.mu;
      for (int i : arLags) {
        v -= phi[i] * (z[t - 1 - i] - p.mu);
      }
      for (int j : maLags) {
        if (t - 1 - j >= 0) {
          v -= theta[j] * e[t - 1 - j];
        }
      }
      e[t] = v;
      sum += v * v;
    }
    double msr = sum / (n - start);
    return Double.isFinite(msr) && msr > 0 ? 0.5 * Math.log(msr) : PENALTY;
  }

  private static int[] nonZeroLags(double[] c) {
    int count = 0;
    for (double v : c) {
      if (v != 0) {
        count++;
      }
    }
    int[] idx = new int[count];
    int k = 0;
    for (int i = 0; i < c.length; i++) {
      if (c[i] != 0) {
        idx[k++] = i;
      }
    }
    return idx;
  }

  private static double[] minimise(MultivariateFunction f, double[] start, double step) {
    int dim = start.length;
    double[] s = new double[dim];
    for (int i = 0; i < dim; i++) {
      s[i] = Math.max(-BOUND + 1, Math.min(BOUND - 1, start[i]));
    }
    if (dim == 1) {
      try {
        UnivariatePointValuePair best =
            new BrentOptimizer(1e-10, 1e-12)
                .optimize(
                    new MaxEval(MAX_EVAL),
                    new UnivariateObjectiveFunction(v -> f.value(new double[] {v})),
                    GoalType.MINIMIZE,
                    new SearchInterval(-BOUND, BOUND, s[0]));
        return new double[] {best.getPoint()};
      } catch (MathIllegalStateException e) {
        throw new ForecastException("ARIMA optimiser failed: " + e.getMessage(), e);
      }
    }
    // Nelder-Mead, restarted once from where it stopped (a simplex can collapse early on a
    // curved ridge); the evaluation cap bounds the time on flat ridges of near-cancelling AR and
    // MA roots, where any point on the ridge has the same likelihood.
    BestPoint tracker = new BestPoint(f, s);
    for (int round = 0; round < 2; round++) {
      try {
        new SimplexOptimizer(1e-9, 1e-10)
            .optimize(
                new MaxEval(EVALS_PER_DIMENSION * (dim + 1)),
                new ObjectiveFunction(tracker),
                GoalType.MINIMIZE,
                new InitialGuess(tracker.point.clone()),
                new NelderMeadSimplex(dim, round == 0 ? step : step / 5));
      } catch (TooManyEvaluationsException e) {
        LOG.debug("ARIMA optimiser stopped at its evaluation cap; keeping the best point");
      } catch (MathIllegalStateException e) {
        throw new ForecastException("ARIMA optimiser failed: " + e.getMessage(), e);
      }
    }
    return tracker.point.clone();
  }

  /** Remembers the best point an optimiser has evaluated. */
  private static final class BestPoint implements MultivariateFunction {
    private final MultivariateFunction f;
    private double[] point;
    private double value = Double.POSITIVE_INFINITY;

    BestPoint(MultivariateFunction f, double[] start) {
      this.f = f;
      this.point = start.clone();
    }

    @Override
    public double value(double[] x) {
      double v = f.value(x);
      if (v < value) {
        value = v;
        point = x.clone();
      }
      return v;
    }
  }

  /** Where each coefficient sits in the unconstrained parameter vector. */
  static final class Layout {
    final ArimaSpec spec;
    final int dim;

    Layout(ArimaSpec spec) {
      this.spec = spec;
      this.dim = spec.coefficientCount();
    }

    /** Degree of the expanded AR polynomial. */
    int arDegree() {
      return spec.p() + spec.period() * spec.seasonalP();
    }

    Decoded decode(double[] x) {
      int o = 0;
      double[] phi = Polynomials.constrainStationary(x, o, spec.p());
      o += spec.p();
      double[] theta = negate(Polynomials.constrainStationary(x, o, spec.q()));
      o += spec.q();
      double[] sphi = Polynomials.constrainStationary(x, o, spec.seasonalP());
      o += spec.seasonalP();
      double[] stheta = negate(Polynomials.constrainStationary(x, o, spec.seasonalQ()));
      o += spec.seasonalQ();
      double mu = spec.trend() == Trend.NONE ? 0 : x[o];
      return new Decoded(spec.period(), phi, theta, sphi, stheta, mu);
    }
  }

  private static double[] negate(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -v[i];
    }
    return out;
  }

  /** Constrained coefficients. */
  record Decoded(
      int period, double[] phi, double[] theta, double[] sphi, double[] stheta, double mu) {
    double[] phiExpanded() {
      return Polynomials.expandAr(phi, sphi, period);
    }

    double[] thetaExpanded() {
      return Polynomials.expandMa(theta, stheta, period);
    }
  }
}
