package io.ecokube.predict.calibration;

/**
 * A fitted straight line {@code y = intercept + slope x} with its goodness of fit.
 *
 * @param name what is calibrated, for messages: {@code "container cores -> node utilisation"}
 * @param slope the change of y per unit of x
 * @param intercept y at x = 0
 * @param rSquared share of the variance of y explained, in [0, 1] (weighted for {@link
 *     CalibrationMethod#HUBER}); 1 when y is constant and the line fits it exactly
 * @param residualStandardError {@code sqrt(SSE / (n - 2))} (weighted for Huber); 0 when n = 2
 * @param n the number of points fitted
 * @param xMin the smallest x fitted (predictions far outside [xMin, xMax] are extrapolations)
 * @param xMax the largest x fitted
 * @param method how it was estimated
 */
public record LinearCalibration(
    String name,
    double slope,
    double intercept,
    double rSquared,
    double residualStandardError,
    int n,
    double xMin,
    double xMax,
    CalibrationMethod method) {

  /** Validates. */
  public LinearCalibration {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("calibration name must not be blank");
    }
    requireFinite(name, "slope", slope);
    requireFinite(name, "intercept", intercept);
    requireFinite(name, "rSquared", rSquared);
    requireFinite(name, "residualStandardError", residualStandardError);
    requireFinite(name, "xMin", xMin);
    requireFinite(name, "xMax", xMax);
    if (rSquared < 0 || rSquared > 1) {
      throw new IllegalArgumentException(
          "calibration '" + name + "' rSquared must be in [0, 1], got " + rSquared);
    }
    if (residualStandardError < 0) {
      throw new IllegalArgumentException(
          "calibration '"
              + name
              + "' residualStandardError must be >= 0, got "
              + residualStandardError);
    }
    if (n < 2) {
      throw new IllegalArgumentException(
          "calibration '" + name + "' needs n >= 2 points, got " + n);
    }
    if (xMin > xMax) {
      throw new IllegalArgumentException(
          "calibration '" + name + "' has xMin " + xMin + " > xMax " + xMax);
    }
    if (method == null) {
      throw new IllegalArgumentException("calibration '" + name + "' method must not be null");
    }
  }

  private static void requireFinite(String name, String field, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(
          "calibration '" + name + "' field " + field + " must be finite, got " + v);
    }
  }

  /** {@code intercept + slope x}. */
  public double predict(double x) {
    return intercept + slope * x;
  }
}
