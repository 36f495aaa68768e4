package io.ecokube.predict.energy;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.arima.AutoArimaForecaster;
import io.ecokube.predict.calibration.LinearCalibration;
import io.ecokube.predict.calibration.PowerCalibration;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.commons.math3.special.Erf;

/**
 * The four-stage energy predictor of Alzamil and Djemame (2017), for containers on a node.
 *
 * <ol>
 *   <li><b>Workload</b>: forecast the container's CPU cores (ARIMA by default) with an interval;
 *       negative values are cut at 0.
 *   <li><b>Node utilisation</b>: {@code u = a1 + b1 x cores}, from the calibration of container
 *       cores against node utilisation, cut to [0, 1].
 *   <li><b>Node power</b>: {@code P = idle + (max - idle) x u}, from the calibration of node
 *       utilisation against watts.
 *   <li><b>Container share</b>: the idle power split equally among the containers on the node
 *       ({@code idle / (others + 1)}) plus the dynamic power {@code P - idle} in proportion to the
 *       container's part of the utilisation, {@code b1 x cores / u} (at most 1). The rest of the
 *       dynamic power (the calibration's intercept {@code a1}: the system and the other containers)
 *       is theirs, not this container's.
 * </ol>
 *
 * <p>Intervals are carried through: every stage is increasing in the one before, so the forecast's
 * bounds map to bounds of the next stage; when {@link Builder#includeCalibrationError} is on (the
 * default) stages 2 and 3 also add their calibration's residual error, {@code z x RSE}, in
 * quadrature with the propagated half-width. Energy bounds are the sums of per-step bounds (the
 * steps' errors move together, so this is not too wide).
 *
 * <p>For a container that is not running yet, {@link #predictBeforeDeployment} takes its CPU
 * request as the workload (optionally scaled by an expected usage fraction), with intervals from
 * the calibrations alone.
 */
public final class EnergyPredictor {
  private final Forecaster forecaster;
  private final PowerCalibration calibration;
  private final double level;
  private final boolean includeCalibrationError;

  private EnergyPredictor(Builder b) {
    this.forecaster = b.forecaster;
    this.calibration = b.calibration;
    this.level = b.level;
    this.includeCalibrationError = b.includeCalibrationError;
  }

  /** A builder; the calibration is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Predicts a running container's power and energy for the steps after its CPU history ends.
   *
   * @param containerCpuCores the container's CPU use in cores, regularly spaced
   * @param steps how many steps ahead, at least 1
   * @param node the node's context
   * @throws io.ecokube.api.forecast.ForecastException when the history cannot be forecast
   */
  public EnergyPrediction predict(TimeSeries containerCpuCores, int steps, NodeContext node) {
    Objects.requireNonNull(containerCpuCores, "containerCpuCores");
    Objects.requireNonNull(node, "node");
    ForecastModel model = forecaster.fit(containerCpuCores);
    Forecast f = model.forecast(steps, level);
    double[] m = f.mean();
    double[] lo = f.lower();
    double[] hi = f.upper();
    for (int i = 0; i < m.length; i++) {
      m[i] = Math.max(0, m[i]);
      lo[i] = Math.max(0, lo[i]);
      hi[i] = Math.max(0, hi[i]);
    }
    return propagate(f.start(), f.step(), f.model(), new Band(m, lo, hi), node);
  }

  /**
   * Predicts the power of a container before it is deployed, from its CPU request.
   *
   * @param requestedCores the container's CPU request in cores, at least 0
   * @param expectedUsage the fraction of the request it is expected to use, in (0, 1]; 1 assumes it
   *     uses all of it
   * @param start when it would start
   * @param step the spacing of the prediction steps
   * @param steps how many steps, at least 1
   * @param node the node it would run on
   */
  public EnergyPrediction predictBeforeDeployment(
      double requestedCores,
      double expectedUsage,
      Instant start,
      Duration step,
      int steps,
      NodeContext node) {
    if (!(requestedCores >= 0) || !Double.isFinite(requestedCores)) {
      throw new IllegalArgumentException(
          "requestedCores must be a finite number >= 0, got " + requestedCores);
    }
    if (!(expectedUsage > 0 && expectedUsage <= 1)) {
      throw new IllegalArgumentException("expectedUsage must be in (0, 1], got " + expectedUsage);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(node, "node");
    double[] c = new double[steps];
    java.util.Arrays.fill(c, requestedCores * expectedUsage);
    String source = "pre-deployment request " + requestedCores + " cores x " + expectedUsage;
    return propagate(start, step, source, new Band(c, c, c), node);
  }

  private EnergyPrediction propagate(
      Instant start, Duration step, String source, Band cores, NodeContext node) {
    LinearCalibration util = calibration.containerToNodeUtilisation();
    LinearCalibration power = calibration.nodeUtilisationToWatts();
    double z = Math.sqrt(2) * Erf.erfInv(level);
    double utilError = includeCalibrationError ? z * util.residualStandardError() : 0;
    double powerError = includeCalibrationError ? z * power.residualStandardError() : 0;
    double idle = calibration.idleWatts();
    double idleShare = idle / (node.otherContainers() + 1);
    int n = cores.size();
    double[] cm = cores.mean();
    double[] cl = cores.lower();
    double[] ch = cores.upper();
    double[][] u = new double[3][n];
    double[][] p = new double[3][n];
    double[][] w = new double[3][n];
    double seconds = step.toNanos() / 1e9;
    double[] energy = new double[3];
    for (int i = 0; i < n; i++) {
      double um = clamp01(util.predict(cm[i]));
      double ul = um - Math.hypot(um - clamp01(util.predict(cl[i])), utilError);
      double uh = um + Math.hypot(clamp01(util.predict(ch[i])) - um, utilError);
      u[0][i] = um;
      u[1][i] = clamp01(ul);
      u[2][i] = clamp01(uh);
      double pm = power.predict(um);
      p[0][i] = pm;
      p[1][i] = Math.max(0, pm - Math.hypot(pm - power.predict(u[1][i]), powerError));
      p[2][i] = pm + Math.hypot(power.predict(u[2][i]) - pm, powerError);
      p[1][i] = Math.min(p[1][i], pm);
      w[0][i] = idleShare + Math.max(0, pm - idle) * share(util, cm[i]);
      w[1][i] = idleShare + Math.max(0, p[1][i] - idle) * share(util, cl[i]);
      w[2][i] = idleShare + Math.max(0, p[2][i] - idle) * share(util, ch[i]);
      w[1][i] = Math.min(w[1][i], w[0][i]);
      w[2][i] = Math.max(w[2][i], w[0][i]);
      for (int k = 0; k < 3; k++) {
        energy[k] += w[k][i] * seconds;
      }
    }
    return new EnergyPrediction(
        start,
        step,
        level,
        source,
        cores,
        new Band(u[0], u[1], u[2]),
        new Band(p[0], p[1], p[2]),
        new Band(w[0], w[1], w[2]),
        energy[0],
        energy[1],
        energy[2]);
  }

  /** The container's part of the node's utilisation at {@code cores}, in [0, 1]. */
  private static double share(LinearCalibration util, double cores) {
    double own = util.slope() * cores;
    double total = util.predict(cores);
    if (!(total > 0) || own <= 0) {
      return 0;
    }
    return Math.min(1, own / total);
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }

  /** Builds an {@link EnergyPredictor}. */
  public static final class Builder {
    private Forecaster forecaster = AutoArimaForecaster.builder().build();
    private PowerCalibration calibration;
    private double level = 0.95;
    private boolean includeCalibrationError = true;

    private Builder() {}

    /** How the container's CPU is forecast (default: automatic ARIMA, no season). */
    public Builder forecaster(Forecaster forecaster) {
      this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
      return this;
    }

    /** The node's calibration (required). */
    public Builder calibration(PowerCalibration calibration) {
      this.calibration = Objects.requireNonNull(calibration, "calibration");
      return this;
    }

    /** Interval coverage, in (0, 1) (default 0.95). */
    public Builder level(double level) {
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("level must be in (0, 1), got " + level);
      }
      this.level = level;
      return this;
    }

    /** Whether calibration residual errors widen the intervals (default true). */
    public Builder includeCalibrationError(boolean include) {
      this.includeCalibrationError = include;
      return this;
    }

    /** Builds. */
    public EnergyPredictor build() {
      if (calibration == null) {
        throw new IllegalStateException(
            "EnergyPredictor needs a PowerCalibration: call calibration(...) before build()");
      }
      return new EnergyPredictor(this);
    }
  }
}
