package io.ecokube.predict.energy;

import java.util.Arrays;

/**
 * Per-step values with an interval: {@code lower[i] <= mean[i] <= upper[i]}, all finite.
 *
 * @param mean the point values
 * @param lower the interval's lower bounds
 * @param upper the interval's upper bounds
 */
public record Band(double[] mean, double[] lower, double[] upper) {
  /** Validates and copies. */
  public Band {
    mean = mean.clone();
    lower = lower.clone();
    upper = upper.clone();
    if (mean.length != lower.length || mean.length != upper.length) {
      throw new IllegalArgumentException("band arrays differ in length");
    }
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i]) || !Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
        throw new IllegalArgumentException("band step " + i + " is not finite");
      }
      if (lower[i] > mean[i] || mean[i] > upper[i]) {
        throw new IllegalArgumentException(
            "band step "
                + i
                + " is out of order: "
                + lower[i]
                + " / "
                + mean[i]
                + " / "
                + upper[i]);
      }
    }
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] lower() {
    return lower.clone();
  }

  @Override
  public double[] upper() {
    return upper.clone();
  }

  /** The number of steps. */
  public int size() {
    return mean.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Band b
        && Arrays.equals(mean, b.mean)
        && Arrays.equals(lower, b.lower)
        && Arrays.equals(upper, b.upper);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mean) * 31 + Arrays.hashCode(upper);
  }

  @Override
  public String toString() {
    return "Band[n=" + mean.length + "]";
  }
}
