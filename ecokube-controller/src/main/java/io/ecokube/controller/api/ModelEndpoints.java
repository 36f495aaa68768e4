package io.ecokube.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.api.time.Clock;
import io.ecokube.predict.calibration.CalibrationMethod;
import io.ecokube.predict.calibration.LinearCalibration;
import io.ecokube.predict.calibration.LinearCalibrator;
import io.ecokube.predict.calibration.PowerCalibration;
import io.ecokube.predict.energy.Band;
import io.ecokube.predict.energy.EnergyPrediction;
import io.ecokube.predict.energy.EnergyPredictor;
import io.ecokube.predict.energy.NodeContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /predict/energy}, {@code /calibrate}, {@code /calibration/config} and {@code /demand}: the
 * seed estimator's model endpoints with the same meaning and field names, on ecokube-predict's
 * four-stage predictor (ARIMA forecast of the CPU history) and linear calibration. Utilisation is
 * in percent in these bodies, as the seed had it.
 */
final class ModelEndpoints {
  /** Most history points a prediction reads. */
  static final int MAX_HISTORY = 10_000;

  private static final Set<String> PREDICT_FIELDS =
      Set.of(
          "container_name",
          "pod_name",
          "namespace",
          "historical_cpu_cores",
          "history_step_seconds",
          "container_cpu_request",
          "node_current_util",
          "node_idle_util",
          "containers_on_node",
          "prediction_horizon_minutes",
          "level");
  private static final Set<String> CALIBRATE_FIELDS =
      Set.of("container_node_data", "node_power_data", "method");

  private final Clock clock;
  private final CalibrationHolder calibration;
  private final Optional<DemandHistory> demand;

  ModelEndpoints(Clock clock, CalibrationHolder calibration, Optional<DemandHistory> demand) {
    this.clock = clock;
    this.calibration = calibration;
    this.demand = demand;
  }

  Object predict(JsonNode body) {
    fields(body, PREDICT_FIELDS);
    double[] history = numbers(body, "historical_cpu_cores", 0, MAX_HISTORY);
    long stepSeconds = (long) number(body, "history_step_seconds", 60, 1, 86_400);
    double horizonMinutes = number(body, "prediction_horizon_minutes", 30, 1, 10_080);
    double level = number(body, "level", 0.95, 0.5, 0.999);
    int others = body.has("containers_on_node") ? array(body, "containers_on_node").size() : 0;
    Duration step = Duration.ofSeconds(stepSeconds);
    int steps = (int) Math.max(1, Math.ceil(horizonMinutes * 60 / stepSeconds));
    if (steps > 10_000) {
      throw ApiProblem.badParameter(
          "prediction_horizon_minutes",
          "the horizon is "
              + steps
              + " steps of history_step_seconds; at most 10000: shorten it or widen the step");
    }
    CalibrationHolder.Current cal =
        calibration
            .get()
            .orElseThrow(
                () ->
                    ApiProblem.of(
                        409,
                        "No calibration",
                        "the predictor has no calibration yet: POST samples to /api/v1/calibrate"));
    EnergyPredictor predictor =
        EnergyPredictor.builder().calibration(cal.calibration()).level(level).build();
    Instant now = clock.now();
    NodeContext node = new NodeContext(others);
    EnergyPrediction p;
    if (history.length >= 12) {
      TimeSeries series =
          new TimeSeries(now.minus(step.multipliedBy(history.length)), step, history);
      try {
        p = predictor.predict(series, steps, node);
      } catch (ForecastException e) {
        throw ApiProblem.unprocessable(
            "historical_cpu_cores", "the CPU history cannot be forecast: " + e.getMessage());
      }
    } else if (body.has("container_cpu_request")) {
      double request = number(body, "container_cpu_request", 0, 0, 10_000);
      p = predictor.predictBeforeDeployment(request, 1.0, now, step, steps, node);
    } else {
      throw ApiProblem.badParameter(
          "historical_cpu_cores",
          "give at least 12 points of CPU history, or container_cpu_request for a container not"
              + " running yet");
    }
    double seconds = steps * (double) stepSeconds;
    List<Object> rows = new ArrayList<>();
    Band cores = p.containerCores();
    Band watts = p.containerWatts();
    double[] nodeWatts = p.nodeWatts().mean();
    for (int i = 0; i < cores.size(); i++) {
      rows.add(
          Json.obj(
              "at", p.start().plus(p.step().multipliedBy(i)).toString(),
              "cpu_cores", Json.round(cores.mean()[i]),
              "cpu_cores_lower", Json.round(cores.lower()[i]),
              "cpu_cores_upper", Json.round(cores.upper()[i]),
              "node_watts", Json.round(nodeWatts[i]),
              "watts", Json.round(watts.mean()[i]),
              "watts_lower", Json.round(watts.lower()[i]),
              "watts_upper", Json.round(watts.upper()[i])));
    }
    Map<String, Object> out =
        Json.obj(
            "container_name", text(body, "container_name"),
            "pod_name", text(body, "pod_name"),
            "namespace", text(body, "namespace"),
            "predicted_power_watts", Json.round(p.meanContainerWatts()),
            "confidence_interval",
                List.of(
                    Json.round(p.energyJoulesLower() / seconds),
                    Json.round(p.energyJoulesUpper() / seconds)),
            "level", level,
            "prediction_timestamp", now.plus(step.multipliedBy(steps)).toString(),
            "horizon_minutes", horizonMinutes,
            "energy_joules", Json.round(p.energyJoules()),
            "energy_interval_joules",
                List.of(Json.round(p.energyJoulesLower()), Json.round(p.energyJoulesUpper())),
            "model", p.source(),
            "calibration_source", cal.source(),
            "steps", rows);
    return Json.obj("prediction", out);
  }

  Object calibrate(JsonNode body) {
    fields(body, CALIBRATE_FIELDS);
    JsonNode cn = array(body, "container_node_data");
    JsonNode np = array(body, "node_power_data");
    CalibrationMethod method = CalibrationMethod.LEAST_SQUARES;
    if (body.has("method")) {
      String m = body.get("method").asText();
      method =
          switch (m) {
            case "least_squares" -> CalibrationMethod.LEAST_SQUARES;
            case "huber" -> CalibrationMethod.HUBER;
            default ->
                throw ApiProblem.badParameter(
                    "method", "'" + m + "' is not a method; use least_squares or huber");
          };
    }
    double[][] a = pairs(cn, "container_node_data", "container_cpu_cores", "node_cpu_util_percent");
    double[][] b = pairs(np, "node_power_data", "node_cpu_util_percent", "node_power_watts");
    for (int i = 0; i < a[1].length; i++) {
      a[1][i] /= 100;
    }
    for (int i = 0; i < b[0].length; i++) {
      b[0][i] /= 100;
    }
    PowerCalibration c;
    try {
      LinearCalibration util =
          fit("container_node_data", "container cores -> node utilisation", a, method);
      LinearCalibration power = fit("node_power_data", "node utilisation -> watts", b, method);
      c = new PowerCalibration(util, power);
    } catch (IllegalArgumentException e) {
      String which =
          e.getMessage().contains("node utilisation -> watts")
              ? "node_power_data"
              : "container_node_data";
      throw ApiProblem.unprocessable(which, e.getMessage());
    }
    calibration.posted(c, clock.now());
    return Json.obj("calibration", describe(calibration.get().orElseThrow()));
  }

  Object calibrationConfig() {
    return Json.obj(
        "calibration",
        calibration
            .get()
            .map(ModelEndpoints::describe)
            .orElseThrow(
                () ->
                    ApiProblem.of(
                        404,
                        "No calibration",
                        "no calibration yet: POST samples to /api/v1/calibrate")));
  }

  Object demand() {
    List<Object> actual = new ArrayList<>();
    List<Object> forecast = new ArrayList<>();
    long period = 0;
    if (demand.isPresent()) {
      DemandHistory d = demand.get();
      period = d.period().toSeconds();
      List<DemandHistory.Point> points = d.points();
      for (DemandHistory.Point p : points) {
        actual.add(
            Json.obj(
                "at", p.at().toString(),
                "cores", Json.round(p.cores()),
                "forecast", p.forecast().map(Json::round).orElse(null)));
      }
      Optional<Forecast> f = d.forecast(12);
      if (f.isPresent() && !points.isEmpty()) {
        Instant last = points.get(points.size() - 1).at();
        double[] m = f.get().mean();
        double[] lo = f.get().lower();
        double[] hi = f.get().upper();
        for (int i = 0; i < m.length; i++) {
          forecast.add(
              Json.obj(
                  "at", last.plus(d.period().multipliedBy(i + 1L)).toString(),
                  "mean", Json.round(Math.max(0, m[i])),
                  "lower", Json.round(Math.max(0, lo[i])),
                  "upper", Json.round(Math.max(0, hi[i]))));
        }
      }
    }
    return Json.obj("period_seconds", period, "level", 0.8, "actual", actual, "forecast", forecast);
  }

  private static Map<String, Object> describe(CalibrationHolder.Current c) {
    LinearCalibration u = c.calibration().containerToNodeUtilisation();
    LinearCalibration w = c.calibration().nodeUtilisationToWatts();
    // Percent units, as the seed's clients expect them.
    return Json.obj(
        "container_to_node_slope", Json.round(u.slope() * 100),
        "container_to_node_intercept", Json.round(u.intercept() * 100),
        "node_util_to_power_slope", Json.round(w.slope() / 100),
        "node_util_to_power_intercept", Json.round(w.intercept()),
        "container_to_node_r_squared", Json.round(u.rSquared()),
        "node_util_to_power_r_squared", Json.round(w.rSquared()),
        "idle_watts", Json.round(c.calibration().idleWatts()),
        "max_watts", Json.round(c.calibration().maxWatts()),
        "source", c.source(),
        "posted_at", c.postedAt().map(Instant::toString).orElse(null));
  }

  private static LinearCalibration fit(
      String param, String name, double[][] xy, CalibrationMethod method) {
    try {
      return LinearCalibrator.fit(name, xy[0], xy[1], method);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable(param, e.getMessage());
    }
  }

  private static double[][] pairs(JsonNode list, String param, String xKey, String yKey) {
    if (list.size() > MAX_HISTORY) {
      throw ApiProblem.badParameter(
          param, "at most " + MAX_HISTORY + " samples, got " + list.size());
    }
    double[] x = new double[list.size()];
    double[] y = new double[list.size()];
    for (int i = 0; i < list.size(); i++) {
      JsonNode s = list.get(i);
      String where = param + "[" + i + "]";
      if (!s.isObject()) {
        throw ApiProblem.badParameter(where, "expected an object with " + xKey + " and " + yKey);
      }
      fields(s, Set.of(xKey, yKey), where + ".");
      x[i] = number(s, xKey, Double.NaN, 0, 1e9, where + ".");
      y[i] = number(s, yKey, Double.NaN, 0, 1e9, where + ".");
    }
    return new double[][] {x, y};
  }

  private static void fields(JsonNode body, Set<String> allowed) {
    if (!body.isObject()) {
      throw ApiProblem.badParameter("body", "the body must be a JSON object");
    }
    fields(body, allowed, "");
  }

  private static void fields(JsonNode node, Set<String> allowed, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiProblem.badParameter(
            prefix + f,
            "unknown field '" + prefix + f + "'; allowed: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static JsonNode array(JsonNode body, String field) {
    JsonNode a = body.get(field);
    if (a == null || !a.isArray()) {
      throw ApiProblem.badParameter(field, "'" + field + "' must be a list");
    }
    return a;
  }

  private static double[] numbers(JsonNode body, String field, double min, int max) {
    if (!body.has(field)) {
      return new double[0];
    }
    JsonNode a = array(body, field);
    if (a.size() > max) {
      throw ApiProblem.badParameter(field, "at most " + max + " values, got " + a.size());
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min) {
        throw ApiProblem.badParameter(
            field + "[" + i + "]", "'" + v + "' is not a number of " + min + " or more");
      }
      out[i] = v.asDouble();
    }
    return out;
  }

  private static double number(JsonNode body, String field, double dflt, double min, double max) {
    return number(body, field, dflt, min, max, "");
  }

  private static double number(
      JsonNode body, String field, double dflt, double min, double max, String prefix) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (Double.isNaN(dflt)) {
        throw ApiProblem.badParameter(prefix + field, "'" + prefix + field + "' is required");
      }
      return dflt;
    }
    if (!v.isNumber()
        || !Double.isFinite(v.asDouble())
        || v.asDouble() < min
        || v.asDouble() > max) {
      throw ApiProblem.badParameter(
          prefix + field,
          "'"
              + v
              + "' is not allowed for "
              + prefix
              + field
              + "; give a number in "
              + min
              + ".."
              + max);
    }
    return v.asDouble();
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().length() > 253) {
      throw ApiProblem.badParameter(
          field, "'" + field + "' must be a name of at most 253 characters");
    }
    return v.asText();
  }
}
