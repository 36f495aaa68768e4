package io.ecokube.predict.arima;

import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.GapPolicy;
import io.ecokube.predict.PreparedSeries;
import java.util.Objects;

/**
 * Fits one given {@link ArimaSpec} by exact maximum likelihood. For automatic order selection use
 * {@link AutoArimaForecaster}.
 *
 * <p>A series too short for the spec, constant after differencing, or with gaps beyond the {@link
 * GapPolicy} is rejected with a {@link io.ecokube.api.forecast.ForecastException} saying why.
 */
public final class ArimaForecaster implements Forecaster {
  private final ArimaSpec spec;
  private final GapPolicy gaps;

  /** A forecaster for {@code spec} with the {@linkplain GapPolicy#DEFAULT default gap policy}. */
  public ArimaForecaster(ArimaSpec spec) {
    this(spec, GapPolicy.DEFAULT);
  }

  /** A forecaster for {@code spec} with a gap policy. */
  public ArimaForecaster(ArimaSpec spec, GapPolicy gaps) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.gaps = Objects.requireNonNull(gaps, "gaps");
  }

  @Override
  public ArimaModel fit(TimeSeries series) {
    return ArimaEstimator.fit(spec, PreparedSeries.of(series, gaps), "");
  }

  @Override
  public String toString() {
    return "ArimaForecaster[" + spec + "]";
  }
}
