package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** The {@code forecast} section: the demand forecast that pre-wakes nodes. */
final class ForecastSection extends ConfigReader {
  private static final Set<String> FORECAST =
      Set.of(
          "model",
          "order",
          "seasonalOrder",
          "step",
          "season",
          "history",
          "minHistory",
          "refitInterval",
          "horizon",
          "level",
          "estimate",
          "fitTimeout");
  private static final String MODELS =
      "auto-arima, arima (with an order), seasonal-naive (with a season) or off";

  ForecastSection(ConfigProblems problems) {
    super(problems);
  }

  ForecastSettings forecast(JsonNode n) {
    ForecastSettings d = ForecastSettings.off();
    String p = "forecast";
    if (n == null || n.isNull() || !object(n, p)) {
      return d;
    }
    int before = errorCount();
    fields(n, p + ".", FORECAST);
    String modelText = text(n, p, "model").orElse("auto-arima");
    ForecastSettings.Model model =
        Arrays.stream(ForecastSettings.Model.values())
            .filter(m -> m.text().equals(modelText))
            .findFirst()
            .orElse(null);
    if (model == null) {
      error(p + ".model", "'" + modelText + "' is not a model; use " + MODELS);
      model = ForecastSettings.Model.OFF;
    }
    Duration step = duration(n, p, "step", false).orElse(d.step());
    Optional<Duration> season = duration(n, p, "season", false);
    if (season.isPresent() && season.get().toMillis() % step.toMillis() != 0) {
      error(
          p + ".season",
          "'"
              + Durations.format(season.get())
              + "' is not a whole number of steps of "
              + Durations.format(step));
    } else if (season.isPresent() && season.get().compareTo(step.multipliedBy(2)) < 0) {
      error(p + ".season", "must span at least two steps of " + Durations.format(step));
    }
    if (model == ForecastSettings.Model.SEASONAL_NAIVE && season.isEmpty() && !n.has("season")) {
      error(p + ".season", "is required with seasonal-naive: the length of one season, e.g. 1d");
    }
    int[] order = triple(n, p, "order");
    int[] seasonal = triple(n, p, "seasonalOrder");
    if (model == ForecastSettings.Model.ARIMA && order == null && !n.has("order")) {
      error(p + ".order", "is required with arima: [p, d, q], e.g. [1, 1, 1]");
    }
    if (model != ForecastSettings.Model.ARIMA) {
      for (String f : new String[] {"order", "seasonalOrder"}) {
        if (n.has(f)) {
          error(p + "." + f, "only applies with model: arima");
        }
      }
    } else if (n.has("seasonalOrder") && season.isEmpty()) {
      error(p + ".seasonalOrder", "needs a season: the length of one season, e.g. 1d");
    }
    Duration minHistory =
        duration(n, p, "minHistory", false)
            .orElse(season.map(s -> s.plus(step)).orElse(d.minHistory()));
    Duration history = duration(n, p, "history", false).orElse(max(d.history(), minHistory));
    if (history.compareTo(minHistory) < 0) {
      error(
          p + ".history",
          "'"
              + Durations.format(history)
              + "' is shorter than minHistory ("
              + Durations.format(minHistory)
              + ")");
    }
    if (minHistory.compareTo(step.multipliedBy(2)) < 0) {
      error(p + ".minHistory", "must cover at least two steps of " + Durations.format(step));
    }
    if (season.isPresent() && minHistory.compareTo(season.get()) <= 0) {
      error(
          p + ".minHistory",
          "must be longer than one season ("
              + Durations.format(season.get())
              + "): a seasonal model sees at least one season and a step");
    }
    Duration refit = duration(n, p, "refitInterval", false).orElse(d.refitInterval());
    Optional<Duration> horizon = duration(n, p, "horizon", false);
    double level = number(n, p, "level", d.level(), 0.5, 0.999);
    String estimate = text(n, p, "estimate").orElse("upper");
    if (!estimate.equals("upper") && !estimate.equals("mean")) {
      error(p + ".estimate", "'" + estimate + "' is not allowed; use upper or mean");
    }
    Duration fitTimeout = duration(n, p, "fitTimeout", false).orElse(d.fitTimeout());
    if (errorCount() != before) {
      return d;
    }
    Optional<ForecastSettings.ArimaOrder> arima =
        order == null
            ? Optional.empty()
            : Optional.of(
                new ForecastSettings.ArimaOrder(
                    order[0],
                    order[1],
                    order[2],
                    seasonal == null ? 0 : seasonal[0],
                    seasonal == null ? 0 : seasonal[1],
                    seasonal == null ? 0 : seasonal[2]));
    return new ForecastSettings(
        model,
        arima,
        step,
        season,
        history,
        minHistory,
        refit,
        horizon,
        level,
        estimate.equals("upper"),
        fitTimeout);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Three whole numbers in 0..5, [p, d, q]; null when absent or wrong. */
  private int[] triple(JsonNode n, String path, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray() || v.size() != 3) {
      error(
          path + "." + field,
          "expected three whole numbers [p, d, q], got "
              + (v.isArray() ? v.size() + " values" : kind(v)));
      return null;
    }
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      JsonNode x = v.get(i);
      if (!x.canConvertToInt() || !x.isIntegralNumber() || x.asInt() < 0 || x.asInt() > 5) {
        error(
            path + "." + field + "[" + i + "]", "'" + x.asText() + "' is not a whole number 0..5");
        return null;
      }
      out[i] = x.asInt();
    }
    return out;
  }
}
