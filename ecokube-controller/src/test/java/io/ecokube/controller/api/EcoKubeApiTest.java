package io.ecokube.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.energy.CarbonPricedTariff;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.FlatTariff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API on virtual time, without HTTP: answers, their numbers, and their problems. */
class EcoKubeApiTest {
  static final String TOKEN = "s3cret-api-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final OpenApiCheck openApi = new OpenApiCheck();
  private final ManualClock clock = new ManualClock(T0);
  private final CarbonPricedTariff tariff =
      new CarbonPricedTariff(new FlatTariff(1.5, 0.25, 300, "EUR"), 0.08);
  private EnergyLedger ledger;
  private EcoKubeApi api;
  private final Map<Integer, EnergyReport> reportAtMinute = new LinkedHashMap<>();

  @BeforeEach
  void runTwoHours() {
    ledger = EnergyLedger.builder(clock).tariff(tariff).build();
    ledger.register(NodeSpec.builder("n1").power(PROFILE).build(), NodeLifecycle.ACTIVE);
    ledger.register(NodeSpec.builder("n2").power(PROFILE).build(), NodeLifecycle.ACTIVE);
    LedgerHistory history = new LedgerHistory(ledger::report, 10_000);
    api =
        EcoKubeApi.builder(clock, tariff)
            .token(TOKEN.getBytes(StandardCharsets.UTF_8))
            .ledger(ledger, history)
            .build();
    for (int minute = 0; minute <= 120; minute++) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      if (minute == 20) {
        ledger.utilisation("n1", 0.6);
      }
      if (minute == 45) {
        ledger.onTransition(
            new NodeTransition("n2", NodeLifecycle.ACTIVE, NodeLifecycle.OFF, clock.now(), "idle"));
      }
      history.sample();
      reportAtMinute.put(minute, ledger.report());
    }
  }

  /** Calls the API and checks the answer against the OpenAPI document. */
  private ApiResponse call(String method, String path, Map<String, String> q, String body) {
    ApiRequest req =
        new ApiRequest(
            method,
            path,
            q,
            Optional.of("Bearer " + TOKEN),
            Optional.of("application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            Optional.empty());
    return checked(req);
  }

  private ApiResponse checked(ApiRequest req) {
    ApiResponse r = api.handle(req);
    assertThat(openApi.problems(req.method(), req.path(), r.status(), r.contentType(), r.text()))
        .as("%s %s -> %s %s", req.method(), req.path(), r.status(), r.text())
        .isEmpty();
    return r;
  }

  private JsonNode ok(String method, String path, Map<String, String> q, String body)
      throws Exception {
    ApiResponse r = call(method, path, q, body);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return JSON.readTree(r.text());
  }

  private JsonNode problem(ApiResponse r, int status) throws Exception {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    return JSON.readTree(r.text());
  }

  @Test
  void costOverARangeMatchesTheLedger() throws Exception {
    JsonNode r =
        ok(
            "GET",
            "/api/v1/cost/range",
            Map.of("from", "2026-01-01T00:10:00Z", "to", "2026-01-01T01:30:00Z"),
            "");
    EnergyReport a = reportAtMinute.get(10);
    EnergyReport b = reportAtMinute.get(90);
    double kwh = b.actual().kwh() - a.actual().kwh();
    double grams = b.actual().gramsCo2() - a.actual().gramsCo2();
    assertThat(r.at("/actual/kwh").asDouble()).isCloseTo(kwh, within(1e-5));
    assertThat(r.at("/actual/electricity_cost").asDouble())
        .isCloseTo(b.actual().cost() - a.actual().cost(), within(1e-5));
    assertThat(r.at("/actual/grams_co2").asDouble()).isCloseTo(grams, within(1e-5));
    assertThat(r.at("/actual/carbon_cost").asDouble()).isCloseTo(grams / 1000 * 0.08, within(1e-5));
    assertThat(r.at("/always_on/kwh").asDouble())
        .isCloseTo(b.alwaysOn().kwh() - a.alwaysOn().kwh(), within(1e-5));
    assertThat(r.at("/saved/kwh").asDouble()).isPositive();
    assertThat(r.at("/carbon_price_per_kg").asDouble()).isEqualTo(0.08);
    assertThat(r.at("/source").asText()).isEqualTo("ledger");
  }

  @Test
  void hourlyRowsAddUpToThePeriod() throws Exception {
    JsonNode h =
        ok(
            "GET",
            "/api/v1/cost/hourly",
            Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-01-01T02:00:00Z"),
            "");
    assertThat(h.get("hours")).hasSize(2);
    double sum = 0;
    for (JsonNode row : h.get("hours")) {
      sum += row.at("/actual/kwh").asDouble();
    }
    EnergyReport end = reportAtMinute.get(120);
    assertThat(sum).isCloseTo(end.actual().kwh(), within(1e-5));
    // The second hour has n2 off: it costs less than the first.
    assertThat(h.at("/hours/1/actual/total_cost").asDouble())
        .isLessThan(h.at("/hours/0/actual/total_cost").asDouble());
  }

  @Test
  void savingsAreTheLedgersReport() throws Exception {
    JsonNode s = ok("GET", "/api/v1/savings", Map.of(), "");
    EnergyReport r = ledger.report();
    assertThat(s.at("/saved/kwh").asDouble()).isCloseTo(r.saved().kwh(), within(1e-5));
    assertThat(s.at("/saved_fraction").asDouble()).isCloseTo(r.savedFraction(), within(1e-5));
    assertThat(s.get("nodes")).hasSize(2);
    assertThat(s.at("/nodes/1/seconds_by_state/OFF").asDouble()).isEqualTo(75 * 60.0);
  }

  @Test
  void calibrationFromSamplesOfAKnownLine() throws Exception {
    StringBuilder cn = new StringBuilder();
    StringBuilder np = new StringBuilder();
    for (int i = 0; i <= 10; i++) {
      double cores = 0.25 * i;
      double util = 10 * i;
      cn.append(i == 0 ? "" : ",")
          .append("{\"container_cpu_cores\":")
          .append(cores)
          .append(",\"node_cpu_util_percent\":")
          .append(4.124 + 23.993 * cores)
          .append('}');
      np.append(i == 0 ? "" : ",")
          .append("{\"node_cpu_util_percent\":")
          .append(util)
          .append(",\"node_power_watts\":")
          .append(53.97 + 0.7254 * util)
          .append('}');
    }
    JsonNode c =
        ok(
            "POST",
            "/api/v1/calibrate",
            Map.of(),
            "{\"container_node_data\":[" + cn + "],\"node_power_data\":[" + np + "]}");
    assertThat(c.at("/calibration/container_to_node_slope").asDouble())
        .isCloseTo(23.993, within(1e-4));
    assertThat(c.at("/calibration/container_to_node_intercept").asDouble())
        .isCloseTo(4.124, within(1e-4));
    assertThat(c.at("/calibration/node_util_to_power_slope").asDouble())
        .isCloseTo(0.7254, within(1e-5));
    assertThat(c.at("/calibration/node_util_to_power_intercept").asDouble())
        .isCloseTo(53.97, within(1e-4));
    JsonNode now = ok("GET", "/api/v1/calibration/config", Map.of(), "");
    assertThat(now.get("calibration")).isEqualTo(c.get("calibration"));
  }

  @Test
  void predictionOfATrendingContainerCoversTheTruth() throws Exception {
    // Calibration: utilisation = 0.05 + 0.25 x cores; watts = 50 + 150 x utilisation.
    ok(
        "POST",
        "/api/v1/calibrate",
        Map.of(),
        "{\"container_node_data\":[{\"container_cpu_cores\":0,\"node_cpu_util_percent\":5},"
            + "{\"container_cpu_cores\":2,\"node_cpu_util_percent\":55},"
            + "{\"container_cpu_cores\":4,\"node_cpu_util_percent\":105}],"
            + "\"node_power_data\":[{\"node_cpu_util_percent\":0,\"node_power_watts\":50},"
            + "{\"node_cpu_util_percent\":50,\"node_power_watts\":125},"
            + "{\"node_cpu_util_percent\":100,\"node_power_watts\":200}]}");
    Random noise = new Random(7);
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 90; i++) {
      h.append(i == 0 ? "" : ",").append(0.2 + 0.01 * i + noise.nextGaussian() * 0.005);
    }
    JsonNode p =
        ok(
            "POST",
            "/api/v1/predict/energy",
            Map.of(),
            "{\"container_name\":\"ml-trainer\",\"pod_name\":\"ml-trainer-abc123\","
                + "\"namespace\":\"default\",\"historical_cpu_cores\":["
                + h
                + "],\"container_cpu_request\":1.0,\"node_current_util\":45.0,"
                + "\"node_idle_util\":5.0,\"containers_on_node\":[],"
                + "\"prediction_horizon_minutes\":30}");
    // The truth: the trend goes on for the next 30 minutes.
    double truth = 0;
    for (int j = 0; j < 30; j++) {
      double cores = 0.2 + 0.01 * (90 + j);
      double u = 0.05 + 0.25 * cores;
      double watts = 50 + 150 * u;
      truth += 50 + (watts - 50) * (0.25 * cores / u);
    }
    truth /= 30;
    JsonNode ci = p.at("/prediction/confidence_interval");
    assertThat(ci.get(0).asDouble()).isLessThanOrEqualTo(truth);
    assertThat(ci.get(1).asDouble()).isGreaterThanOrEqualTo(truth);
    assertThat(p.at("/prediction/predicted_power_watts").asDouble()).isCloseTo(truth, within(2.0));
    assertThat(p.at("/prediction/steps")).hasSize(30);
    JsonNode last = p.at("/prediction/steps/29");
    double trueCores = 0.2 + 0.01 * 119;
    assertThat(last.get("cpu_cores_lower").asDouble()).isLessThanOrEqualTo(trueCores);
    assertThat(last.get("cpu_cores_upper").asDouble()).isGreaterThanOrEqualTo(trueCores);
  }

  @Test
  void tokensAreRequiredAndCheckedProbesAreNotHere() throws Exception {
    ApiResponse none = checked(ApiRequest.get("/api/v1/savings", Map.of(), Optional.empty()));
    assertThat(problem(none, 401).get("detail").asText()).contains("Authorization: Bearer");
    assertThat(none.headers()).containsKey("WWW-Authenticate");
    ApiResponse wrong =
        checked(ApiRequest.get("/api/v1/savings", Map.of(), Optional.of("Bearer guess")));
    assertThat(problem(wrong, 401).toString()).doesNotContain(TOKEN);
    EcoKubeApi unconfigured = EcoKubeApi.builder(clock, tariff).build();
    ApiResponse r =
        unconfigured.handle(ApiRequest.get("/api/v1/savings", Map.of(), Optional.of("Bearer x")));
    assertThat(problem(r, 401).get("detail").asText()).contains("api.token");
    // The dashboard's files hold no data and need no token.
    assertThat(api.handle(ApiRequest.get("/", Map.of(), Optional.empty())).status()).isEqualTo(200);
  }

  @Test
  void badParametersAreNamed() throws Exception {
    JsonNode p = problem(call("GET", "/api/v1/cost/range", Map.of("from", "yesterday"), ""), 400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("from");
    assertThat(p.get("detail").asText()).contains("ISO-8601");
    p = problem(call("GET", "/api/v1/cost/hourly", Map.of("form", "x"), ""), 400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("form");
    p =
        problem(
            call(
                "GET",
                "/api/v1/cost/range",
                Map.of("from", "2026-01-01T01:00:00Z", "to", "2026-01-01T00:00:00Z"),
                ""),
            400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("from");
    p = problem(call("GET", "/api/v1/cost/range", Map.of("to", "2030-01-01T00:00:00Z"), ""), 400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("to");
    p =
        problem(
            call(
                "POST",
                "/api/v1/predict/energy",
                Map.of(),
                "{\"historical_cpu_cores\":[0.1,0.2,-3]}"),
            400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("historical_cpu_cores[2]");
    p = problem(call("POST", "/api/v1/predict/energy", Map.of(), "{\"horizon\":3}"), 400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("horizon");
    p = problem(call("POST", "/api/v1/predict/energy", Map.of(), "{not json"), 400);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("body");
    p =
        problem(
            call(
                "POST",
                "/api/v1/calibrate",
                Map.of(),
                "{\"container_node_data\":[{\"container_cpu_cores\":1,\"node_cpu_util_percent\":5},"
                    + "{\"container_cpu_cores\":2,\"node_cpu_util_percent\":9}],"
                    + "\"node_power_data\":[{\"node_cpu_util_percent\":10,\"node_power_watts\":50},"
                    + "{\"node_cpu_util_percent\":10,\"node_power_watts\":60}]}"),
            422);
    assertThat(p.at("/invalid-params/0/name").asText()).isEqualTo("node_power_data");
    problem(call("POST", "/api/v1/predict/energy", Map.of(), "{\"container_cpu_request\":1}"), 409);
  }

  @Test
  void methodsPathsMediaTypesAndSizesAreChecked() throws Exception {
    ApiResponse r = call("POST", "/api/v1/savings", Map.of(), "{}");
    problem(r, 405);
    assertThat(r.headers()).containsEntry("Allow", "GET");
    problem(call("GET", "/api/v1/nothing-here", Map.of(), ""), 404);
    problem(call("GET", "/api/v1/power/pods", Map.of(), ""), 503);
    ApiResponse text =
        checked(
            new ApiRequest(
                "POST",
                "/api/v1/calibrate",
                Map.of(),
                Optional.of("Bearer " + TOKEN),
                Optional.of("text/plain"),
                "{}".getBytes(StandardCharsets.UTF_8),
                Optional.empty()));
    problem(text, 415);
    ApiResponse big =
        checked(
            new ApiRequest(
                "POST",
                "/api/v1/calibrate",
                Map.of(),
                Optional.of("Bearer " + TOKEN),
                Optional.of("application/json"),
                new byte[0],
                Optional.of("the body has 5000000 bytes")));
    problem(big, 413);
  }

  @Test
  void theDocumentIsServedAndTheCheckRejectsWhatItDoesNotDescribe() throws Exception {
    JsonNode doc = ok("GET", "/api/v1/openapi.json", Map.of(), "");
    assertThat(doc.get("openapi").asText()).startsWith("3.1");
    // The check itself must be able to fail.
    assertThat(openApi.problems("GET", "/api/v1/savings", 200, "application/json", "{\"from\":1}"))
        .isNotEmpty();
    assertThat(openApi.problems("GET", "/api/v1/savings", 418, "application/json", "{}"))
        .isNotEmpty();
    assertThat(
            openApi.problems("GET", "/api/v1/cost/workloads/ns/web", 200, "application/json", "{}"))
        .isNotEmpty();
    assertThat(List.of(doc.at("/paths").fieldNames().next())).isNotEmpty();
  }
}
