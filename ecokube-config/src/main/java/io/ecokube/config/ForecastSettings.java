package io.ecokube.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code forecast} section: which model forecasts the cluster's demand (CPU cores requested by
 * its pods, sampled every {@link #step()}), so the controller wakes nodes before the demand
 * arrives. Fits run off the reconcile thread; a fit that fails or takes longer than {@link
 * #fitTimeout()} leaves the last good model in use.
 *
 * @param model the model; {@link Model#OFF} when the section is absent
 * @param order the ARIMA order, for {@link Model#ARIMA} only
 * @param step the spacing of the demand series
 * @param season the length of one season (a day), for seasonal models; empty: none
 * @param history the most recent stretch of the series a fit sees
 * @param minHistory no forecast before the series is at least this long
 * @param refitInterval how often the model is fitted again
 * @param horizon how far ahead demand must be known; empty: the longest boot time of the configured
 *     nodes plus {@link #HORIZON_MARGIN}
 * @param level the prediction interval's coverage, in (0, 1)
 * @param upperBound wake for the interval's upper bound (true) or the point forecast (false)
 * @param fitTimeout a fit still running after this is abandoned and the last good model kept
 */
public record ForecastSettings(
    Model model,
    Optional<ArimaOrder> order,
    Duration step,
    Optional<Duration> season,
    Duration history,
    Duration minHistory,
    Duration refitInterval,
    Optional<Duration> horizon,
    double level,
    boolean upperBound,
    Duration fitTimeout) {
  /** Added to the longest boot time when no horizon is given: a reconcile or two of slack. */
  public static final Duration HORIZON_MARGIN = Duration.ofMinutes(1);

  /** The models. */
  public enum Model {
    /** ARIMA with its order chosen automatically (Hyndman-Khandakar), seasonal with a season. */
    AUTO_ARIMA("auto-arima"),
    /** ARIMA of a given order. */
    ARIMA("arima"),
    /** The value one season ago. */
    SEASONAL_NAIVE("seasonal-naive"),
    /** No forecast: the controller reacts to the demand it sees. */
    OFF("off");

    private final String text;

    Model(String text) {
      this.text = text;
    }

    /** As the config writes it. */
    public String text() {
      return text;
    }
  }

  /**
   * An ARIMA order: {@code (p, d, q)} and, with a season, {@code (P, D, Q)}.
   *
   * @param p autoregressive terms
   * @param d differences
   * @param q moving-average terms
   * @param seasonalP seasonal autoregressive terms
   * @param seasonalD seasonal differences
   * @param seasonalQ seasonal moving-average terms
   */
  public record ArimaOrder(int p, int d, int q, int seasonalP, int seasonalD, int seasonalQ) {}

  /** Validates. */
  public ForecastSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(season, "season");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(minHistory, "minHistory");
    Objects.requireNonNull(refitInterval, "refitInterval");
    Objects.requireNonNull(horizon, "horizon");
    Objects.requireNonNull(fitTimeout, "fitTimeout");
    if (model == Model.ARIMA && order.isEmpty()) {
      throw new IllegalArgumentException("arima needs an order");
    }
  }

  /** No forecast. */
  public static ForecastSettings off() {
    return new ForecastSettings(
        Model.OFF,
        Optional.empty(),
        Duration.ofMinutes(5),
        Optional.empty(),
        Duration.ofDays(7),
        Duration.ofDays(1),
        Duration.ofHours(1),
        Optional.empty(),
        0.8,
        true,
        Duration.ofMinutes(2));
  }

  /** The horizon: the one given, else the longest boot time of these nodes plus the margin. */
  public Duration horizonFor(java.util.List<io.ecokube.api.node.NodeSpec> nodes) {
    return horizon.orElseGet(
        () ->
            nodes.stream()
                .map(n -> n.power().bootTime())
                .max(Duration::compareTo)
                .orElse(Duration.ZERO)
                .plus(HORIZON_MARGIN));
  }

  /** Steps in one season; 1 without a season. */
  public int seasonSteps() {
    return season.map(s -> (int) (s.toMillis() / step.toMillis())).orElse(1);
  }
}
