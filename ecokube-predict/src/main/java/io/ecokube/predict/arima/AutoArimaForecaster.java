package io.ecokube.predict.arima;

import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.GapPolicy;
import io.ecokube.predict.PreparedSeries;
import io.ecokube.predict.baseline.MeanForecastModel;
import io.ecokube.predict.baseline.SeasonalNaiveForecastModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and fits a seasonal ARIMA model automatically, in the spirit of R's {@code
 * forecast::auto.arima}: seasonal differencing from the seasonal strength, ordinary differencing
 * from repeated KPSS tests, then a stepwise search over (p, q, P, Q) and the constant / drift term
 * that keeps the model with the smallest AICc, every candidate fitted by exact maximum likelihood.
 *
 * <p>Fallbacks, always named in {@link ForecastModel#description()}:
 *
 * <ul>
 *   <li>a constant series: the mean with a zero-width interval;
 *   <li>fewer than {@link Builder#minObservations} observations, a series constant after
 *       differencing, or no candidate that fits: seasonal naive when the series is longer than a
 *       period (naive when differencing was chosen and there is no season), else the mean;
 *   <li>fewer than 2 observations, or gaps beyond the {@link GapPolicy}: a {@link
 *       ForecastException}.
 * </ul>
 *
 * A seasonal period only takes part when the series covers more than two periods.
 */
public final class AutoArimaForecaster implements Forecaster {
  private static final Logger LOG = LoggerFactory.getLogger(AutoArimaForecaster.class);

  private final int period;
  private final int maxP;
  private final int maxQ;
  private final int maxSeasonalP;
  private final int maxSeasonalQ;
  private final int maxOrder;
  private final int maxD;
  private final int maxSeasonalD;
  private final boolean allowTrend;
  private final int maxModels;
  private final int minObservations;
  private final Boolean approximation;
  private final GapPolicy gaps;

  private AutoArimaForecaster(Builder b) {
    this.period = b.period;
    this.maxP = b.maxP;
    this.maxQ = b.maxQ;
    this.maxSeasonalP = b.maxSeasonalP;
    this.maxSeasonalQ = b.maxSeasonalQ;
    this.maxOrder = b.maxOrder;
    this.maxD = b.maxD;
    this.maxSeasonalD = b.maxSeasonalD;
    this.allowTrend = b.allowTrend;
    this.maxModels = b.maxModels;
    this.minObservations = b.minObservations;
    this.approximation = b.approximation;
    this.gaps = b.gaps;
  }

  /** A builder with R-like defaults and no seasonality. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ForecastModel fit(TimeSeries series) {
    PreparedSeries ps = PreparedSeries.of(series, gaps);
    double[] y = ps.values();
    int n = y.length;
    if (n < 2) {
      throw new ForecastException(
          "series has " + n + " observation; automatic forecasting needs at least 2");
    }
    if (Differencing.isConstant(y)) {
      return MeanForecastModel.fit(ps, "series is constant");
    }
    int s = period > 1 && n > 2 * period ? period : 1;
    if (n < minObservations) {
      return fallback(
          ps, s, 0, "series has " + n + " observations, ARIMA needs " + minObservations);
    }
    int sd = s > 1 ? Math.min(maxSeasonalD, Differencing.nsdiffs(y, s)) : 0;
    double[] ys = sd > 0 ? Polynomials.lagDifference(y, s) : y;
    int d = Differencing.ndiffs(ys, maxD);
    double[] w = Polynomials.difference(ys, d, 0, 1);
    if (w.length < 3 || Differencing.isConstant(w)) {
      return fallback(
          ps, s, d + sd, "series is constant after differencing (d=" + d + ", D=" + sd + ")");
    }
    Trend trend = !allowTrend ? Trend.NONE : d + sd == 0 ? Trend.CONSTANT : Trend.NONE;
    if (allowTrend && d + sd == 1) {
      trend = Trend.DRIFT;
    }
    boolean approximate =
        approximation == null ? ps.size() > 150 || s > 12 : approximation.booleanValue();
    Search search = new Search(ps, d, sd, s, approximate ? maxP + s * maxSeasonalP : -1);
    List<int[]> starts = new ArrayList<>();
    if (s > 1) {
      starts.add(new int[] {2, 2, 1, 1});
      starts.add(new int[] {0, 0, 0, 0});
      starts.add(new int[] {1, 0, 1, 0});
      starts.add(new int[] {0, 1, 0, 1});
    } else {
      starts.add(new int[] {2, 2, 0, 0});
      starts.add(new int[] {0, 0, 0, 0});
      starts.add(new int[] {1, 0, 0, 0});
      starts.add(new int[] {0, 1, 0, 0});
    }
    for (int[] o : starts) {
      search.tryFit(o, trend);
    }
    if (trend != Trend.NONE) {
      search.tryFit(new int[] {0, 0, 0, 0}, Trend.NONE);
    }
    boolean improved = true;
    while (improved && search.tried.size() < maxModels && search.best != null) {
      improved = false;
      int[] b = orders(search.best);
      Trend bt = search.best.trend();
      List<int[]> moves = new ArrayList<>();
      if (s > 1) {
        moves.add(new int[] {0, 0, -1, 0});
        moves.add(new int[] {0, 0, 1, 0});
        moves.add(new int[] {0, 0, 0, -1});
        moves.add(new int[] {0, 0, 0, 1});
        moves.add(new int[] {0, 0, -1, -1});
        moves.add(new int[] {0, 0, 1, 1});
        moves.add(new int[] {0, 0, -1, 1});
        moves.add(new int[] {0, 0, 1, -1});
      }
      moves.add(new int[] {-1, 0, 0, 0});
      moves.add(new int[] {1, 0, 0, 0});
      moves.add(new int[] {0, -1, 0, 0});
      moves.add(new int[] {0, 1, 0, 0});
      moves.add(new int[] {-1, -1, 0, 0});
      moves.add(new int[] {1, 1, 0, 0});
      moves.add(new int[] {-1, 1, 0, 0});
      moves.add(new int[] {1, -1, 0, 0});
      for (int[] mv : moves) {
        int[] o = {b[0] + mv[0], b[1] + mv[1], b[2] + mv[2], b[3] + mv[3]};
        if (search.tried.size() >= maxModels) {
          break;
        }
        if (search.tryFit(o, bt)) {
          improved = true;
          break;
        }
      }
      if (!improved && allowTrend && d + sd <= 1 && search.tried.size() < maxModels) {
        Trend other = bt != Trend.NONE ? Trend.NONE : (d + sd == 0 ? Trend.CONSTANT : Trend.DRIFT);
        improved = search.tryFit(b, other);
      }
    }
    ArimaModel chosen = search.finish();
    if (chosen == null) {
      return fallback(
          ps, s, d + sd, "no ARIMA candidate could be fitted (" + search.lastError + ")");
    }
    LOG.debug(
        "auto ARIMA chose {} (AICc {}) after {} candidates",
        chosen.spec(),
        chosen.aicc(),
        search.tried.size());
    return chosen;
  }

  private static int[] orders(ArimaSpec spec) {
    return new int[] {spec.p(), spec.q(), spec.seasonalP(), spec.seasonalQ()};
  }

  private ForecastModel fallback(PreparedSeries ps, int s, int diffs, String reason) {
    LOG.debug("auto ARIMA falls back: {}", reason);
    if (s > 1 && ps.size() > s) {
      return SeasonalNaiveForecastModel.fit(ps, s, reason);
    }
    if (diffs > 0) {
      return SeasonalNaiveForecastModel.fit(ps, 1, reason);
    }
    return MeanForecastModel.fit(ps, reason);
  }

  /**
   * The candidates scored so far and the best. Exact mode scores each by the AICc of its maximum
   * likelihood fit. Approximate mode (R's {@code approximation}) scores by a conditional-sum-of-
   * squares AICc on a common conditioning window, then fits the best few exactly.
   */
  private final class Search {
    private static final int EXACT_REFITS = 3;

    final PreparedSeries series;
    final int d;
    final int sd;
    final int s;
    final int conditioning;
    final Set<String> tried = new HashSet<>();
    final Map<ArimaSpec, Double> scores = new HashMap<>();
    final Map<ArimaSpec, ArimaModel> exact = new HashMap<>();
    ArimaSpec best;
    double bestScore = Double.POSITIVE_INFINITY;
    String lastError = "none";

    Search(PreparedSeries series, int d, int sd, int s, int conditioning) {
      this.series = series;
      this.d = d;
      this.sd = sd;
      this.s = s;
      this.conditioning = conditioning;
    }

    /** Scores a candidate unless it is out of bounds or seen; true when it became the best. */
    boolean tryFit(int[] o, Trend trend) {
      if (o[0] < 0 || o[1] < 0 || o[2] < 0 || o[3] < 0) {
        return false;
      }
      if (o[0] > maxP || o[1] > maxQ || o[2] > maxSeasonalP || o[3] > maxSeasonalQ) {
        return false;
      }
      if (o[0] + o[1] + o[2] + o[3] > maxOrder) {
        return false;
      }
      if (s == 1 && (o[2] > 0 || o[3] > 0)) {
        return false;
      }
      ArimaSpec spec = new ArimaSpec(o[0], d, o[1], o[2], sd, o[3], s, trend);
      if (!tried.add(spec.toString())) {
        return false;
      }
      double score;
      try {
        if (conditioning >= 0) {
          score = ArimaEstimator.cssAicc(spec, series, conditioning);
        } else {
          ArimaModel m = ArimaEstimator.fit(spec, series, " (auto)");
          exact.put(spec, m);
          score = m.aicc();
        }
      } catch (ForecastException e) {
        lastError = e.getMessage();
        return false;
      }
      if (!Double.isFinite(score)) {
        return false;
      }
      scores.put(spec, score);
      if (score < bestScore) {
        best = spec;
        bestScore = score;
        return true;
      }
      return false;
    }

    /** The chosen model, fitted exactly; null when nothing could be fitted. */
    ArimaModel finish() {
      if (best == null) {
        return null;
      }
      if (conditioning < 0) {
        return exact.get(best);
      }
      List<ArimaSpec> ranked = new ArrayList<>(scores.keySet());
      ranked.sort(Comparator.comparingDouble(scores::get));
      ArimaModel chosen = null;
      for (ArimaSpec spec : ranked.subList(0, Math.min(EXACT_REFITS, ranked.size()))) {
        try {
          ArimaModel m = ArimaEstimator.fit(spec, series, " (auto)");
          if (Double.isFinite(m.aicc()) && (chosen == null || m.aicc() < chosen.aicc())) {
            chosen = m;
          }
        } catch (ForecastException e) {
          lastError = e.getMessage();
        }
      }
      return chosen;
    }
  }

  /** Builds an {@link AutoArimaForecaster}. */
  public static final class Builder {
    private int period = 1;
    private int maxP = 5;
    private int maxQ = 5;
    private int maxSeasonalP = 2;
    private int maxSeasonalQ = 2;
    private int maxOrder = 5;
    private int maxD = 2;
    private int maxSeasonalD = 1;
    private boolean allowTrend = true;
    private int maxModels = 94;
    private int minObservations = 10;
    private Boolean approximation;
    private GapPolicy gaps = GapPolicy.DEFAULT;

    private Builder() {}

    /** The seasonal period in steps (24 for a daily cycle of hourly data); 1 = none. */
    public Builder seasonalPeriod(int period) {
      this.period = requireAtLeast("seasonalPeriod", period, 1);
      return this;
    }

    /** Largest non-seasonal AR and MA orders (default 5 and 5). */
    public Builder maxPq(int maxP, int maxQ) {
      this.maxP = requireAtLeast("maxP", maxP, 0);
      this.maxQ = requireAtLeast("maxQ", maxQ, 0);
      return this;
    }

    /** Largest seasonal AR and MA orders (default 2 and 2). */
    public Builder maxSeasonalPq(int maxSeasonalP, int maxSeasonalQ) {
      this.maxSeasonalP = requireAtLeast("maxSeasonalP", maxSeasonalP, 0);
      this.maxSeasonalQ = requireAtLeast("maxSeasonalQ", maxSeasonalQ, 0);
      return this;
    }

    /** Largest p + q + P + Q (default 5). */
    public Builder maxOrder(int maxOrder) {
      this.maxOrder = requireAtLeast("maxOrder", maxOrder, 0);
      return this;
    }

    /** Largest ordinary differencing d (default 2, at most 2). */
    public Builder maxD(int maxD) {
      if (maxD < 0 || maxD > 2) {
        throw new IllegalArgumentException("maxD must be in [0, 2], got " + maxD);
      }
      this.maxD = maxD;
      return this;
    }

    /** Largest seasonal differencing D (default 1, at most 1). */
    public Builder maxSeasonalD(int maxSeasonalD) {
      if (maxSeasonalD < 0 || maxSeasonalD > 1) {
        throw new IllegalArgumentException("maxSeasonalD must be 0 or 1, got " + maxSeasonalD);
      }
      this.maxSeasonalD = maxSeasonalD;
      return this;
    }

    /** Whether a constant (d + D = 0) or drift (d + D = 1) may be included (default true). */
    public Builder allowTrend(boolean allowTrend) {
      this.allowTrend = allowTrend;
      return this;
    }

    /** Cap on candidates fitted (default 94, as R). */
    public Builder maxModels(int maxModels) {
      this.maxModels = requireAtLeast("maxModels", maxModels, 1);
      return this;
    }

    /** Below this many observations a baseline is used instead of ARIMA (default 10). */
    public Builder minObservations(int minObservations) {
      this.minObservations = requireAtLeast("minObservations", minObservations, 3);
      return this;
    }

    /**
     * Whether the stepwise search scores candidates by a conditional-sum-of-squares AICc and fits
     * only the best three exactly (much faster on long or long-period series). Default, as R: on
     * when the series has more than 150 observations or the period exceeds 12.
     */
    public Builder approximation(boolean approximation) {
      this.approximation = approximation;
      return this;
    }

    /** How missing values are handled (default {@link GapPolicy#DEFAULT}). */
    public Builder gapPolicy(GapPolicy gaps) {
      this.gaps = Objects.requireNonNull(gaps, "gapPolicy");
      return this;
    }

    /** Builds. */
    public AutoArimaForecaster build() {
      return new AutoArimaForecaster(this);
    }

    private static int requireAtLeast(String name, int v, int min) {
      if (v < min) {
        throw new IllegalArgumentException(
            "auto ARIMA " + name + " must be >= " + min + ", got " + v);
      }
      return v;
    }
  }
}
