package io.ecokube.controller.calibration;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.predict.calibration.CalibrationMethod;
import io.ecokube.predict.calibration.LinearCalibration;
import io.ecokube.predict.calibration.LinearCalibrator;
import io.ecokube.prometheus.kepler.CalibrationSample;
import java.util.List;
import java.util.Objects;

/**
 * Learns a node's power model from what a meter saw: (utilisation, watts) samples, for example from
 * {@link io.ecokube.prometheus.kepler.KeplerPowerMeter#calibrationSamples}, are fitted to {@code
 * watts = idle + (max - idle) x utilisation} with Huber's robust regression (a meter glitch does
 * not tilt the line), and the fitted idle and full-load watts replace the guessed ones in the
 * node's {@link PowerProfile}. The rest of the profile (off and transition watts, boot and shutdown
 * times) is kept: a utilisation sweep says nothing about them.
 *
 * <p>The fit is only used when it is trustworthy: enough samples, a spread of utilisation, an R²
 * above a floor, and physically possible watts. Otherwise the current profile is kept and the
 * result says why, so a bad week of metrics never makes the model worse.
 */
public final class LearnedPowerModel {
  /** Fewest samples for a fit. */
  public static final int MIN_SAMPLES = 10;

  /** Smallest spread of utilisation (max - min) the samples must cover. */
  public static final double MIN_SPREAD = 0.2;

  private final double minRSquared;

  /**
   * A learner that accepts fits explaining at least this share of the variance.
   *
   * @param minRSquared in [0, 1], for example 0.8
   */
  public LearnedPowerModel(double minRSquared) {
    if (!(minRSquared >= 0 && minRSquared <= 1)) {
      throw new IllegalArgumentException("minRSquared must be in [0, 1], got " + minRSquared);
    }
    this.minRSquared = minRSquared;
  }

  /**
   * The outcome of one calibration.
   *
   * @param profile the profile to use: learned, or the current one when the fit was refused
   * @param learned whether the fit was used
   * @param fit the fitted line, when there was one
   * @param why what was done and why, for logs
   */
  public record Result(
      PowerProfile profile,
      boolean learned,
      java.util.Optional<LinearCalibration> fit,
      String why) {
    /** Validates. */
    public Result {
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(fit, "fit");
      Objects.requireNonNull(why, "why");
    }
  }

  /** Fits the samples of {@code node} and returns the profile to use from now on. */
  public Result calibrate(String node, PowerProfile current, List<CalibrationSample> samples) {
    if (samples.size() < MIN_SAMPLES) {
      return kept(current, "only " + samples.size() + " samples; need " + MIN_SAMPLES);
    }
    double[] u = samples.stream().mapToDouble(CalibrationSample::utilisation).toArray();
    double[] w = samples.stream().mapToDouble(CalibrationSample::watts).toArray();
    double spread =
        java.util.Arrays.stream(u).max().orElse(0) - java.util.Arrays.stream(u).min().orElse(0);
    if (spread < MIN_SPREAD) {
      return kept(
          current,
          String.format(
              java.util.Locale.ROOT,
              "utilisation only spans %.2f; need %.2f to see the slope",
              spread,
              MIN_SPREAD));
    }
    LinearCalibration fit;
    try {
      fit = LinearCalibrator.fit(node + " utilisation -> watts", u, w, CalibrationMethod.HUBER);
    } catch (IllegalArgumentException e) {
      return kept(current, "fit refused: " + e.getMessage());
    }
    double idle = fit.intercept();
    double max = fit.intercept() + fit.slope();
    String line =
        String.format(
            java.util.Locale.ROOT,
            "idle %.1f W, full load %.1f W (R² %.3f, %d samples)",
            idle,
            max,
            fit.rSquared(),
            fit.n());
    if (fit.rSquared() < minRSquared) {
      return new Result(
          current,
          false,
          java.util.Optional.of(fit),
          "fit too loose: " + line + "; R² below " + minRSquared);
    }
    if (!(idle > current.offWatts()) || !(max >= idle)) {
      return new Result(
          current,
          false,
          java.util.Optional.of(fit),
          "fit not physical: " + line + " (off draw " + current.offWatts() + " W)");
    }
    PowerProfile learned =
        new PowerProfile(
            current.offWatts(),
            idle,
            max,
            Math.max(current.transitionWatts(), current.offWatts()),
            current.bootTime(),
            current.shutdownTime());
    return new Result(learned, true, java.util.Optional.of(fit), "learned " + line);
  }

  private static Result kept(PowerProfile current, String why) {
    return new Result(current, false, java.util.Optional.empty(), "kept the current model: " + why);
  }
}
