package io.ecokube.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.Clock;
import io.ecokube.controller.HealthServer;
import io.ecokube.core.energy.CarbonPricedTariff;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.prometheus.attribution.Attribution;
import io.ecokube.prometheus.attribution.KeplerAttribution;
import io.ecokube.prometheus.attribution.PodKey;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API over HTTP against Debian's Prometheus scraping a Kepler-format exporter with container
 * and GPU series; every answer is checked against the OpenAPI document.
 */
class ApiPrometheusIT {
  private static final String TOKEN = "it-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApiCheck OPEN_API = new OpenApiCheck();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static KeplerExporter exporter;
  private static PrometheusServer prometheus;
  private static PrometheusClient client;
  private static EnergyLedger ledger;
  private static LedgerHistory history;
  private static HealthServer server;

  @BeforeAll
  static void start() throws Exception {
    exporter =
        KeplerExporter.legacy()
            // 300 W at the node: 75 W dynamic, 225 W idle.
            .legacyCounter("worker-1", "platform", 300)
            .container("worker-1", "shop", "web-5d8f9-abcde", "app", 40, 5, 0, 3)
            .container("worker-1", "shop", "web-5d8f9-xyz12", "app", 30, 4, 0, 2)
            .container("worker-1", "ml", "trainer-0", "cuda", 20, 4, 60, 2);
    prometheus = PrometheusServer.scraping(exporter.target());
    client = new PrometheusClient(PrometheusClientConfig.builder(prometheus.uri()).build());
    KeplerMeterConfig mc =
        KeplerMeterConfig.builder()
            .nodeLabel("node_name")
            .cacheFor(Duration.ZERO)
            .rateWindow(Duration.ofSeconds(5))
            .build();
    KeplerPowerMeter meter = new KeplerPowerMeter(client, mc, Clock.system());
    KeplerAttribution kepler = new KeplerAttribution(client, mc, meter, Clock.system());
    CarbonPricedTariff tariff = new CarbonPricedTariff(new FlatTariff(1.5, 0.25, 300, "EUR"), 0.1);
    ledger =
        EnergyLedger.builder(Clock.system())
            .tariff(tariff)
            .meter(meter)
            .maxReadingAge(Duration.ofSeconds(30))
            .build();
    ledger.register(
        NodeSpec.builder("worker-1")
            .power(
                new PowerProfile(5, 100, 400, 150, Duration.ofSeconds(60), Duration.ofSeconds(20)))
            .build(),
        NodeLifecycle.ACTIVE);
    history = new LedgerHistory(ledger::report, 1000);
    // The controller maps web-* pods to their Deployment through its Kubernetes view.
    Map<PodKey, WorkloadRef> owners =
        Map.of(
            new PodKey("shop", "web-5d8f9-abcde"),
                new WorkloadRef("shop", "ReplicaSet", "web-5d8f9"),
            new PodKey("shop", "web-5d8f9-xyz12"),
                new WorkloadRef("shop", "ReplicaSet", "web-5d8f9"));
    EcoKubeApi api =
        EcoKubeApi.builder(Clock.system(), tariff)
            .token(TOKEN.getBytes(StandardCharsets.UTF_8))
            .ledger(ledger, history)
            .attribution(
                new PowerAttribution() {
                  @Override
                  public Attribution power() throws PowerException {
                    return kepler.power();
                  }

                  @Override
                  public Attribution energy(Instant from, Instant to) throws PowerException {
                    return kepler.energy(from, to);
                  }
                },
                p -> Optional.ofNullable(owners.get(p)).map(ApiWiring::workload))
            .build();
    server = HealthServer.builder(InetAddress.getLoopbackAddress(), 0).api(api).build();
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    client.close();
    prometheus.close();
    exporter.close();
  }

  private static HttpResponse<String> get(String path, Map<String, String> q, boolean token)
      throws Exception {
    String query =
        q.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder r =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.port()
                        + path
                        + (query.isEmpty() ? "" : "?" + query)))
            .timeout(Duration.ofSeconds(20));
    if (token) {
      r.header("Authorization", "Bearer " + TOKEN);
    }
    HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (path.startsWith("/api/v1/")) {
      assertThat(
              OPEN_API.problems(
                  "GET",
                  path,
                  resp.statusCode(),
                  resp.headers().firstValue("Content-Type").orElse(""),
                  resp.body()))
          .as("GET %s -> %s %s", path, resp.statusCode(), resp.body())
          .isEmpty();
    }
    return resp;
  }

  private static JsonNode ok(String path, Map<String, String> q) throws Exception {
    HttpResponse<String> r = get(path, q, true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Until Prometheus holds 12 s of every series and the rates have settled. */
  private static void settled() {
    await()
        .atMost(Duration.ofSeconds(40))
        .ignoreExceptions()
        .until(
            () ->
                !client
                        .query("count_over_time(kepler_container_package_joules_total[15s]) >= 12")
                        .isEmpty()
                    && ok("/api/v1/power/pods", Map.of()).get("pods").size() == 3);
  }

  @Test
  void perPodWattsAddUpToTheNodeWithinItsIdleShare() throws Exception {
    settled();
    JsonNode pods = ok("/api/v1/power/pods", Map.of());
    double sum = 0;
    for (JsonNode p : pods.get("pods")) {
      sum += p.get("watts").asDouble();
    }
    JsonNode node = ok("/api/v1/power/nodes", Map.of()).at("/nodes/0");
    double nodeWatts = node.get("watts").asDouble();
    assertThat(nodeWatts).isCloseTo(300, within(3.0));
    assertThat(sum).isCloseTo(170, within(3.0));
    // What the pods do not account for is the node's idle share (225 W) at most.
    assertThat(nodeWatts - sum).isBetween(0.0, 225.0);
    assertThat(node.get("unattributed_watts").asDouble()).isCloseTo(nodeWatts - sum, within(3.0));
    JsonNode trainer = ok("/api/v1/power/pods", Map.of("namespace", "ml")).at("/pods/0");
    assertThat(trainer.get("gpu_watts").asDouble()).isCloseTo(60, within(1.0));
    JsonNode workloads = ok("/api/v1/power/workloads", Map.of("namespace", "shop"));
    assertThat(workloads.get("workloads")).hasSize(1);
    assertThat(workloads.at("/workloads/0/kind").asText()).isEqualTo("Deployment");
    assertThat(workloads.at("/workloads/0/name").asText()).isEqualTo("web");
    assertThat(workloads.at("/workloads/0/pods").asInt()).isEqualTo(2);
    assertThat(workloads.at("/workloads/0/watts").asDouble()).isCloseTo(84, within(2.0));
    JsonNode current = ok("/api/v1/power/current", Map.of("namespace", "shop", "workload", "web"));
    assertThat(current.get("watts").asDouble()).isCloseTo(84, within(2.0));
    JsonNode containers = ok("/api/v1/power/containers", Map.of("pod", "trainer-0"));
    assertThat(containers.at("/containers/0/container").asText()).isEqualTo("cuda");
  }

  @Test
  void costOverARangeMatchesTheLedgerFedByKepler() throws Exception {
    settled();
    // The ledger accounts the node at Kepler's measured 300 W; sample it over ten seconds.
    Instant from = Instant.now();
    ledger.readMeter();
    history.sample();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Duration.between(from, Instant.now()).toSeconds() >= 10);
    ledger.readMeter();
    history.sample();
    Instant to = Instant.now();
    JsonNode r = ok("/api/v1/cost/range", Map.of("from", from.toString(), "to", to.toString()));
    double seconds = Duration.between(from, to).toMillis() / 1000.0;
    double kwh = 300 * seconds / 3.6e6;
    assertThat(r.at("/actual/kwh").asDouble()).isCloseTo(kwh, within(kwh * 0.03));
    assertThat(r.at("/actual/electricity_cost").asDouble())
        .isCloseTo(kwh * 1.5 * 0.25, within(kwh * 1.5 * 0.25 * 0.03));
    double grams = kwh * 1.5 * 300;
    assertThat(r.at("/actual/grams_co2").asDouble()).isCloseTo(grams, within(grams * 0.03));
    assertThat(r.at("/actual/carbon_cost").asDouble())
        .isCloseTo(r.at("/actual/grams_co2").asDouble() / 1000 * 0.1, within(1e-6));
    // The workload's own energy over the same period, from Kepler's counters: 84 W.
    JsonNode w =
        ok("/api/v1/cost/workloads/shop/web", Map.of("from", from.toString(), "to", to.toString()));
    assertThat(w.get("joules").asDouble()).isCloseTo(84 * seconds, within(84 * seconds * 0.15));
    JsonNode byNamespace =
        ok(
            "/api/v1/cost/range",
            Map.of("from", from.toString(), "to", to.toString(), "namespace", "ml"));
    assertThat(byNamespace.get("source").asText()).isEqualTo("kepler");
    assertThat(byNamespace.at("/actual/kwh").asDouble())
        .isCloseTo(86 * seconds / 3.6e6, within(86 * seconds / 3.6e6 * 0.15));
  }

  @Test
  void problemsOverHttp() throws Exception {
    HttpResponse<String> none = get("/api/v1/power/pods", Map.of(), false);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    HttpResponse<String> bad = get("/api/v1/power/pods", Map.of("namespace", "Bad_NS!"), true);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).at("/invalid-params/0/name").asText())
        .isEqualTo("namespace");
    HttpResponse<String> unknown = get("/api/v1/cost/workloads/shop/nothing", Map.of(), true);
    assertThat(unknown.statusCode()).isEqualTo(404);
    // Probes need no token.
    assertThat(get("/healthz", Map.of(), false).statusCode()).isEqualTo(200);
  }
}
