package io.ecokube.predict.calibration;

/** How a {@link LinearCalibration} is estimated. */
public enum CalibrationMethod {
  /** Ordinary least squares. */
  LEAST_SQUARES,
  /**
   * Huber M-estimation by iteratively reweighted least squares (tuning constant 1.345, scale from
   * the median absolute deviation): points far off the line get less weight, so a few bad samples
   * (a meter glitch, a noisy neighbour) do not tilt the line.
   */
  HUBER
}
