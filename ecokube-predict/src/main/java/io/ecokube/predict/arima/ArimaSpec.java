package io.ecokube.predict.arima;

/**
 * The orders of a seasonal ARIMA(p,d,q)(P,D,Q)[s] model and its deterministic term. Build one with
 * {@link #builder()}.
 *
 * @param p non-seasonal AR order
 * @param d non-seasonal differences
 * @param q non-seasonal MA order
 * @param seasonalP seasonal AR order
 * @param seasonalD seasonal differences
 * @param seasonalQ seasonal MA order
 * @param period the seasonal period s (1 for a non-seasonal model)
 * @param trend constant, drift or none
 */
public record ArimaSpec(
    int p, int d, int q, int seasonalP, int seasonalD, int seasonalQ, int period, Trend trend) {

  /** Validates. */
  public ArimaSpec {
    requireRange("p", p, 0, 20);
    requireRange("d", d, 0, 2);
    requireRange("q", q, 0, 20);
    requireRange("P", seasonalP, 0, 4);
    requireRange("D", seasonalD, 0, 1);
    requireRange("Q", seasonalQ, 0, 4);
    if (period < 1) {
      throw new IllegalArgumentException("ARIMA seasonal period must be >= 1, got " + period);
    }
    if (period == 1 && (seasonalP > 0 || seasonalD > 0 || seasonalQ > 0)) {
      throw new IllegalArgumentException(
          "ARIMA seasonal orders (P,D,Q) = ("
              + seasonalP
              + ","
              + seasonalD
              + ","
              + seasonalQ
              + ") need a seasonal period > 1; set period(s)");
    }
    if (trend == null) {
      throw new IllegalArgumentException("ARIMA trend must not be null; use Trend.NONE");
    }
    if (trend == Trend.CONSTANT && d + seasonalD != 0) {
      throw new IllegalArgumentException(
          "ARIMA trend CONSTANT needs d + D = 0 (differencing removes a constant); got d="
              + d
              + ", D="
              + seasonalD
              + ". Use DRIFT with d + D = 1, or NONE");
    }
    if (trend == Trend.DRIFT && d + seasonalD != 1) {
      throw new IllegalArgumentException(
          "ARIMA trend DRIFT needs d + D = 1; got d="
              + d
              + ", D="
              + seasonalD
              + ". Use CONSTANT with d + D = 0, or NONE");
    }
  }

  private static void requireRange(String name, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(
          "ARIMA order " + name + " must be in [" + lo + ", " + hi + "], got " + v);
    }
  }

  /** A new builder; everything defaults to zero / non-seasonal / no trend. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the model has a seasonal part. */
  public boolean seasonal() {
    return period > 1 && (seasonalP > 0 || seasonalD > 0 || seasonalQ > 0);
  }

  /** Total differencing order {@code d + s D}: how many leading observations the model uses up. */
  public int differencingLag() {
    return d + period * seasonalD;
  }

  /** Number of estimated coefficients (AR, MA, seasonal AR/MA, trend), not counting sigma2. */
  public int coefficientCount() {
    return p + q + seasonalP + seasonalQ + (trend == Trend.NONE ? 0 : 1);
  }

  /** A copy with another trend. */
  public ArimaSpec withTrend(Trend t) {
    return new ArimaSpec(p, d, q, seasonalP, seasonalD, seasonalQ, period, t);
  }

  /** R-style label: {@code ARIMA(1,1,1)(0,1,1)[12] with drift}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ARIMA(").append(p).append(',').append(d).append(',');
    sb.append(q).append(')');
    if (seasonal()) {
      sb.append('(').append(seasonalP).append(',').append(seasonalD).append(',');
      sb.append(seasonalQ).append(")[").append(period).append(']');
    }
    if (trend == Trend.CONSTANT) {
      sb.append(" with non-zero mean");
    } else if (trend == Trend.DRIFT) {
      sb.append(" with drift");
    }
    return sb.toString();
  }

  /** Builds an {@link ArimaSpec}. */
  public static final class Builder {
    private int p;
    private int d;
    private int q;
    private int seasonalP;
    private int seasonalD;
    private int seasonalQ;
    private int period = 1;
    private Trend trend = Trend.NONE;

    private Builder() {}

    /** Non-seasonal orders (p, d, q). */
    public Builder order(int p, int d, int q) {
      this.p = p;
      this.d = d;
      this.q = q;
      return this;
    }

    /** Seasonal orders (P, D, Q) and the period s. */
    public Builder seasonal(int seasonalP, int seasonalD, int seasonalQ, int period) {
      this.seasonalP = seasonalP;
      this.seasonalD = seasonalD;
      this.seasonalQ = seasonalQ;
      this.period = period;
      return this;
    }

    /** The deterministic term. */
    public Builder trend(Trend trend) {
      this.trend = trend;
      return this;
    }

    /** Validates and builds. */
    public ArimaSpec build() {
      return new ArimaSpec(p, d, q, seasonalP, seasonalD, seasonalQ, period, trend);
    }
  }
}
